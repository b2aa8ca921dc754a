"""inputs: what a shop hands us: product facts, catalogs in each platform's format, photos, brand kits."""
