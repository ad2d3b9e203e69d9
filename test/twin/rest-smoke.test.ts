import { startTwin, type TwinFixture } from "./twin-fixture.js";

let fx: TwinFixture;
beforeAll(async () => {
  fx = await startTwin();
});
afterAll(async () => fx.close());
afterEach(() => {
  expect(fx.twin.violations).toEqual([]);
});

test("repos.get answers a full repository", async () => {
  const { data } = await fx.octokit.rest.repos.get({ owner: "acme", repo: "manifests" });
  expect(data.full_name).toBe("acme/manifests");
  expect(data.default_branch).toBe("main");
});

test("an app JWT gets an installation token", async () => {
  const { data } = await fx.appOctokit.rest.apps.createInstallationAccessToken({
    installation_id: fx.installation.id,
  });
  expect(data.token).toMatch(/^ghs_/);
});
