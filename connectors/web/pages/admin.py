"""Admin: the web users (create, new password, disable) and the API tokens (create, revoke)."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from connectors.api import audit
from connectors.api.auth import Permission, Role, create_token, list_tokens, revoke_tokens
from connectors.store import write_session
from connectors.web.users import UserError, create_user, disable_user, list_users, set_password
from connectors.web.workspace import Workspace, day

ROLES = [r.value for r in Role]


def register(ws: Workspace) -> None:
    @ui.page("/admin")
    def admin() -> RedirectResponse | None:
        user = ws.page("Admin", Permission.READ_AUDIT)
        if isinstance(user, RedirectResponse):
            return user

        def say(text: str, ok: bool) -> None:
            message.set_text(text)
            message.classes(replace="text-body2 " + ("text-positive" if ok else "text-negative"))

        def refresh() -> None:
            with ws.read() as session:
                users.rows = [{"name": u.name, "role": u.role, "created": day(u.created_at),
                               "disabled": day(u.disabled_at)} for u in list_users(session)]
                tokens.rows = [{"id": t.id, "name": t.name, "role": t.role, "prefix": t.prefix + "…",
                                "created": day(t.created_at), "revoked": day(t.revoked_at)} for t in list_tokens(session)]
            users.update()
            tokens.update()

        def change_user(action: str, call: object) -> None:
            try:
                with write_session(ws.engine) as session:
                    changed = call(session)  # type: ignore[operator]
                    audit.record(session, user.principal, f"user.{action}", f"user:{changed.name}",
                                 after={"role": changed.role, "disabled_at": changed.disabled_at})
            except UserError as exc:
                say(str(exc), False)
                return
            say(f"User '{changed.name}': {action} done.", True)
            refresh()

        def add_user() -> None:
            change_user("create", lambda s: create_user(s, name=new_name.value or "", role=new_role.value,
                                                        password=new_password.value or ""))
            new_password.set_value("")

        def new_token() -> None:
            name = (token_name.value or "").strip()
            if not name:
                say("A token needs a name that says who or what uses it.", False)
                return
            with write_session(ws.engine) as session:
                token, secret = create_token(session, role=token_role.value, name=name)
                audit.record(session, user.principal, "token.create", f"token:{token.id}",
                             after={"name": token.name, "role": token.role})
            say(f"Token {token.id} '{token.name}' ({token.role}). Its secret, shown only now: {secret}", True)
            refresh()

        def revoke(name_or_id: str) -> None:
            with write_session(ws.engine) as session:
                revoked = revoke_tokens(session, name_or_id)
                for t in revoked:
                    audit.record(session, user.principal, "token.revoke", f"token:{t.id}", after={"name": t.name})
            say(f"Revoked {len(revoked)} token(s)." if revoked else f"No active token {name_or_id!r}.", bool(revoked))
            refresh()

        with ui.column().classes("w-full q-pa-md gap-3"):
            message = ui.label("").classes("text-body2").props('data-testid="admin-message"')
            ui.label("Web users").classes("text-h6")
            with ui.row().classes("items-end gap-2"):
                new_name = ui.input("Name").props("dense outlined").classes("w-40")
                new_role = ui.select(ROLES, value="buyer", label="Role").props("dense outlined").classes("w-32")
                new_password = ui.input("Password", password=True).props("dense outlined").classes("w-48")
                ui.button("Create user", on_click=add_user).props("color=primary no-caps")
            users = ui.table(columns=[{"name": k, "label": k, "field": k, "align": "left"}
                                      for k in ("name", "role", "created", "disabled")], rows=[], row_key="name",
                             pagination=None).props('flat bordered dense data-testid="users"').classes("w-full")
            users.add_slot("body-cell-disabled", r"""
<q-td :props="props">
  <span v-if="props.value">{{ props.value }}</span>
  <span v-else>
    <q-btn flat dense no-caps color="negative" label="Disable" @click="$parent.$emit('disable', props.row.name)" />
    <q-btn flat dense no-caps label="New password" @click="$parent.$emit('password', props.row.name)" />
  </span>
</q-td>""")
            users.on("disable", lambda e: change_user("disable", lambda s: disable_user(s, e.args)))
            users.on("password", lambda e: change_user("password", lambda s: set_password(
                s, e.args, new_password.value or "")))
            ui.label("New password: type it in the Password field above, then press the user's button.").classes(
                "text-caption text-grey-7")
            ui.label("API tokens (for machines)").classes("text-h6")
            with ui.row().classes("items-end gap-2"):
                token_name = ui.input("Name").props("dense outlined").classes("w-48")
                token_role = ui.select(ROLES, value="erp", label="Role").props("dense outlined").classes("w-32")
                ui.button("Create token", on_click=new_token).props("color=primary no-caps")
            tokens = ui.table(columns=[{"name": k, "label": k, "field": k, "align": "left"}
                                       for k in ("id", "name", "role", "prefix", "created", "revoked")], rows=[],
                              row_key="id", pagination=None).props("flat bordered dense").classes("w-full")
            tokens.add_slot("body-cell-revoked", r"""
<q-td :props="props">
  <span v-if="props.value">{{ props.value }}</span>
  <q-btn v-else flat dense no-caps color="negative" label="Revoke" @click="$parent.$emit('revoke', String(props.row.id))" />
</q-td>""")
            tokens.on("revoke", lambda e: revoke(e.args))
        refresh()
        return None
