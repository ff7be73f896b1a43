"""Conversation flows: turn an incoming message into replies, never sending anything."""
