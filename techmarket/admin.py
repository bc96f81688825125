from django.contrib import admin

from techmarket import models

for m in (models.TechNeed, models.Achievement, models.Match, models.MatchContact, models.MarketEvent,
          models.EventRegistration, models.Placement, models.TechContract, models.ContractParty,
          models.ContractPayment):
    admin.site.register(m)
