"""The workspace pages; each module's ``register(ws)`` adds its ``@ui.page`` routes."""
