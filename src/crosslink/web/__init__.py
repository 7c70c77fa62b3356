"""Server-rendered pages of the workbench (on the same app as the API)."""
