"""models: which weights fill each role (profiles, resolution), how they load, and the registry
the stages receive (`Models`)."""
