"""Real collaborators for tests: servers that run on loopback, not fakes of the code under test."""
