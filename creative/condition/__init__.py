"""The `condition` stage: how the product steers the language model."""
