"""The framework: what every app is built from and that knows no domain record.

Registries (registry, views, api, services, tabular), declared operations (operations,
operation_views), the one access-control mechanism (access, roles, logins), declared state machines
and workflows (statemachine, workflow), the one change history (history), documents, notifications
(notify), the live feed (live), scheduling (scheduler, tasks), the menu, app contributions and the
demo runner. It imports nothing of the directory (core/directory/) nor of any app: the scope tree is
found through the models' scope declarations, not by name."""
