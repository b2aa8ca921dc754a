"""train: fine-tuning on a shop's own data. The copywriter's LoRA adapter (`copywriter`) on
(product facts -> ad copy) pairs (`pairs`), and its eval with the real copy stage (`evaluate`).

It sits above the Studio's floor: its eval runs the copy stage and the publishability gate.
Heavy libraries (torch, peft) load inside the functions, so `creative --help` stays instant.
"""
