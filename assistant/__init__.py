"""Assistant « Appropriation Métropolitaine »: settings, components (models, stores) and the CLI."""
