"""What the conversations show: texts from the locales with the formatting residents expect,
and the documents the bot renders (the PDF receipt, the consumption chart)."""
