"""The conversations: one aiogram-dialog ``Dialog`` per feature."""
