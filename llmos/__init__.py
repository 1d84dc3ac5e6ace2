"""llmos: a fused LLM-OS layer for Linux desktops."""

__version__ = "0.1.0"
