"""ui: the Gradio studio (`app`) over one product's session (`workbench`)."""
