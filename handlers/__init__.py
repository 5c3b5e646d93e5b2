"""aiogram routers for commands and for every update that is not inside a dialog."""
