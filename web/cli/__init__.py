"""The `okuyami` command: the root group and one module per group of subcommands."""
from web.cli import (
    account_recovery,
    calls,
    contacts,
    database,
    faq,
    forms,
    handover,
    manual,
    models,
    notifications,
    operations,
    public,
    reports,
    server,
    timers,
    training,
    users,
)
from web.cli.root import main

for command in (database.db, database.keys, models.models, models.navi, users.users, server.serve, server.worker,
                server.demo, timers.timers, forms.forms, notifications.notifications, faq.faq,
                public.public, contacts.contacts, calls.calls, operations.backup, operations.restore,
                operations.audit, operations.purge, operations.erase_all, reports.reports,
                handover.handover, training.training, manual.manual):
    main.add_command(command)
for command in account_recovery.USER_COMMANDS:
    users.users.add_command(command)

__all__ = ["main"]
