"""Sign in (name + password), and the start page that sends each role to its own page."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import run, ui

from connectors.api.auth import Role
from connectors.web.sessions import SignedIn
from connectors.web.users import check_password
from connectors.web.workspace import HOME, Workspace


def register(ws: Workspace) -> None:
    @ui.page("/")
    def start() -> RedirectResponse:
        user = ws.user()
        return RedirectResponse(HOME[user.role] if user else "/login")

    @ui.page("/login")
    def login() -> RedirectResponse | None:
        if ws.user() is not None:
            return RedirectResponse("/")
        browser = ws.browser_id()
        ui.page_title("Sign in · reelplan")
        ui.query("body").classes("bg-blue-grey-1")

        async def sign_in() -> None:
            name = (name_input.value or "").strip()
            if not browser:
                error.set_text("This browser sent no session cookie; allow cookies for this site to sign in.")
                return
            wait = ws.throttle.wait_seconds(name)
            if wait > 0:
                error.set_text(f"Too many failed sign-ins for '{name}': wait {wait:.0f} s before trying again.")
                return
            button.disable()
            try:
                user = await run.io_bound(_check, name, password_input.value or "")
            finally:
                button.enable()
            if user is None:
                failures = ws.throttle.failed(name)
                error.set_text(f"Wrong name or password ({failures} failed in a row).")
                return
            ws.throttle.succeeded(name)
            ws.sessions.sign_in(browser, user)
            ui.navigate.to(HOME[user.role])

        def _check(name: str, password: str) -> SignedIn | None:
            with ws.read() as session:
                stored = check_password(session, name, password)
                return SignedIn(stored.name, Role(stored.role)) if stored else None

        with ui.card().classes("absolute-center w-80 gap-3"):
            ui.label("reelplan").classes("text-h5 text-weight-bold")
            ui.label("Sign in to the planning workspace").classes("text-grey-8")
            name_input = ui.input("Name").props('outlined dense autofocus data-testid="login-name"').classes("w-full")
            password_input = ui.input("Password", password=True).props(
                'outlined dense data-testid="login-password"').classes("w-full")
            password_input.on("keydown.enter", sign_in)
            button = ui.button("Sign in", on_click=sign_in).props('color=primary data-testid="login-submit"').classes("w-full")
            error = ui.label("").classes("text-negative text-body2").props('data-testid="login-error"')
        return None
