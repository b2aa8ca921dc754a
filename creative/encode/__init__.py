"""The `encode` stage: what the product's photos and facts say."""
