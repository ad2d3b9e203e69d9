import { parseConfig, sourceForImage, type Config } from "../../src/config/index.js";

function config(text: string): Config {
  const result = parseConfig(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const SOURCES = config(`sources:
  - repositories: [acme/payments]
    image: registry.example.com/payments/api
  - repositories: ["acme/*", "Globex/*"]
    image: ghcr.io/{owner}/{repo}
  - repositories: ["initech/*"]
    image: initech/{repo}
  - repositories: ["umbrella/{a,b}"]
    image: registry.example.com/umbrella-{repo}
environments:
  dev: { paths: ["**"] }
`);

test.each([
  ["ghcr.io/acme/web", "acme/web", 1],
  ["GHCR.io/Acme/Web", "acme/web", 1],
  ["ghcr.io/globex/shop.front_end", "globex/shop.front_end", 1],
  // The literal entry comes first: acme/payments builds this name, not ghcr.io/acme/payments.
  ["registry.example.com/payments/api", "acme/payments", 0],
  // Docker Hub: initech/x is docker.io/initech/x.
  ["docker.io/initech/crm", "initech/crm", 2],
  ["initech/crm", "initech/crm", 2],
  ["registry.example.com/umbrella-a", "umbrella/a", 3],
])("%s is built by %s", (image, repository, index) => {
  const found = sourceForImage(SOURCES, image);
  expect(found && `${found.owner}/${found.repo}`).toBe(repository);
  expect(found?.source).toBe(SOURCES.sources[index]);
});

test.each([
  // acme/payments matches the first entry, whose image is another name: never a guess.
  ["ghcr.io/acme/payments", "the repository that matches renders another image"],
  ["ghcr.io/hooli/web", "no entry deploys hooli/*"],
  ["registry.example.com/umbrella-c", "umbrella/c is not in {a,b}"],
  ["registry.example.com/payments/api-v2", "no template renders it"],
  ["nginx", "docker.io/library/nginx is no source's"],
  ["ghcr.io/acme/web/extra", "a repository name has no slash"],
])("%s has no source (%s)", (image) => {
  expect(sourceForImage(SOURCES, image)).toBeUndefined();
});

const MONOREPO = config(`sources:
  - repositories: [acme/shop]
    images:
      - image: ghcr.io/acme/shop-api
        workflows: [.github/workflows/build-api.yml]
      - image: ghcr.io/{owner}/{repo}-web
        workflows: [.github/workflows/build-web.yml]
  - repositories: ["acme/*"]
environments:
  dev: { paths: ["**"] }
`);

test.each([
  ["ghcr.io/acme/shop-api", "acme/shop", 0, 0],
  ["ghcr.io/acme/shop-web", "acme/shop", 0, 1],
  ["ghcr.io/acme/web", "acme/web", 1, 0],
])(
  "a monorepo's every image is found: %s is built by %s (source %i, image %i)",
  (image, repository, index, entry) => {
    const found = sourceForImage(MONOREPO, image);
    expect(found && `${found.owner}/${found.repo}`).toBe(repository);
    expect(found?.source).toBe(MONOREPO.sources[index]);
    expect(found?.entry).toBe(MONOREPO.sources[index]?.images[entry]);
  },
);

test("a monorepo's image is not guessed: ghcr.io/acme/shop is the monorepo's repository, not one of its images", () => {
  // acme/shop matches the monorepo's entry first, which renders neither ghcr.io/acme/shop nor anything else.
  expect(sourceForImage(MONOREPO, "ghcr.io/acme/shop")).toBeUndefined();
});
