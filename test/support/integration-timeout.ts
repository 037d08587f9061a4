// Default time limit of an integration test (a file's own jest.setTimeout still wins).
jest.setTimeout(60_000);
