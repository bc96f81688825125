"""What the registry tells other apps: many facts changed at once (an Excel import), so figures counted from the
registry (indicator monitoring) should be recounted. Sent after the import's transaction has committed."""

from django.dispatch import Signal

registry_imported = Signal()  # keyword arguments: actor, organization_ids (those whose facts the import wrote;
#                               None: not known, every organisation may have changed)
