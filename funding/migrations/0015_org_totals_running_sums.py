"""Running sums per organisation and year (money received, 我的申报) filled from the existing entries, and the budget
lines that had none given theirs: one INSERT … SELECT … GROUP BY each, in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('funding', '0014_personal_data_encrypted'),
        ('registry', '0010_sme_size_facts'),
    ]

    operations = [
        migrations.CreateModel(
            name='OrgTotals',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('committed', models.DecimalField(decimal_places=2, default=0, max_digits=18)),
                ('paid', models.DecimalField(decimal_places=2, default=0, max_digits=18)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.organization')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('organization', 'year'), name='org_totals_once_per_year')],
            },
        ),
        migrations.RunSQL(
            "INSERT INTO funding_orgtotals (organization_id, year, committed, paid) "
            "SELECT organization_id, year, SUM(committed_delta), SUM(paid_delta) FROM funding_ledgerentry "
            "GROUP BY organization_id, year",
            reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(
            "INSERT INTO funding_linetotals (budget_line_id, committed, paid) "
            "SELECT b.id, COALESCE(SUM(e.committed_delta), 0), COALESCE(SUM(e.paid_delta), 0) "
            "FROM funding_budgetline b LEFT JOIN funding_ledgerentry e ON e.budget_line_id = b.id "
            "WHERE NOT EXISTS (SELECT 1 FROM funding_linetotals t WHERE t.budget_line_id = b.id) GROUP BY b.id",
            reverse_sql=migrations.RunSQL.noop),
    ]
