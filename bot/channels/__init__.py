"""Channels translate transport events into `Incoming` and render `Reply` lists."""
