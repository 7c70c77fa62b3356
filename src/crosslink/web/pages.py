"""Pages: to come."""

from __future__ import annotations

from fastapi import FastAPI

from crosslink.api.service import Service


def add_pages(app: FastAPI, service: Service) -> None:
    return None
