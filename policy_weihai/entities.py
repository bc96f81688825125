"""Entities: an ``event`` (a dated qualifying event: an approval, an award, a contract) belongs to one ``organisation``.

Events are the "persons" of openfisca: each qualifying event is one member of its organisation, so that per-event
amounts are computed with the parameters in force at the event date and then summed and capped per organisation.
"""

from openfisca_core.entities import build_entity

Event = build_entity(
    key="event",
    plural="events",
    label="资格事件（平台获批、获奖、合同登记等）",
    is_person=True,
)

Organisation = build_entity(
    key="organisation",
    plural="organisations",
    label="创新主体",
    roles=[{"key": "event", "plural": "events", "label": "事件"}],
)

entities = [Event, Organisation]
