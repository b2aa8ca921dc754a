"""The generate stage: text (captions, ad copy) and visuals."""
