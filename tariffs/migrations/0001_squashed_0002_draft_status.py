"""tariffs 0001–0002 in one migration (0002 added the draft status).

Used on a database where none of them has run (a new one); where all of them have run it
counts as applied, and where only some have, Django runs the rest of them instead. The
models are created by one CreateModels operation (hub/migration_operations.py), with their
constraints and indexes, which `migrate` renders once instead of once per model and per
change. tests/hub/test_migrations.py checks that the two paths give the same models and that
a database migrated along the old chain migrates on.
"""

import django.core.validators
import django.db.models.deletion
import hub.migration_operations
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('tariffs', '0001_initial'), ('tariffs', '0002_draft_status')]

    initial = True

    dependencies = [
        ('hub', '0002_squashed_0007_notification_digest_schedules'),
    ]

    operations = [
        hub.migration_operations.CreateModels(
            models=[
                migrations.CreateModel(
                    name='Service',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('canteen', 'mensa scolastica'), ('nursery', 'asilo nido'), ('transport', 'trasporto scolastico'), ('summer', 'centro estivo')], max_length=12, verbose_name='tipo')),
                        ('name', models.CharField(max_length=120, verbose_name='nome')),
                        ('months_per_year', models.PositiveSmallIntegerField(default=10, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)], verbose_name="mesi a pagamento all'anno")),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tariff_services', to='hub.municipality', verbose_name='comune')),
                    ],
                    options={
                        'verbose_name': 'servizio a tariffa',
                        'verbose_name_plural': 'servizi a tariffa',
                        'ordering': ['municipality__name', 'kind'],
                        'constraints': [models.UniqueConstraint(fields=('municipality', 'kind'), name='tariffs_one_service_per_kind'), models.CheckConstraint(condition=models.Q(('months_per_year__gte', 1), ('months_per_year__lte', 12)), name='tariffs_service_months')],
                    },
                ),
                migrations.CreateModel(
                    name='TariffRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('valid_from', models.DateField(verbose_name='valida dal')),
                        ('valid_until', models.DateField(blank=True, null=True, verbose_name='valida fino al')),
                        ('method', models.CharField(choices=[('bands', 'a fasce'), ('linear', 'lineare tra due soglie')], max_length=8, verbose_name='metodo')),
                        ('bands', models.JSONField(blank=True, default=list, help_text='Per il metodo a fasce: [{"from": "0", "to": "6000", "price": "20.00"}, {"from": "6000", "to": null, "price": "60.00"}]', verbose_name='fasce')),
                        ('min_price', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='tariffa minima (€/mese)')),
                        ('max_price', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='tariffa massima (€/mese)')),
                        ('lower_threshold', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='soglia minima')),
                        ('upper_threshold', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='soglia massima')),
                        ('exemption_threshold', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name="esenzione sotto l'indicatore")),
                        ('cap', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='tetto (€/mese)')),
                        ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='tariffs.service', verbose_name='servizio')),
                        ('status', models.CharField(choices=[('active', 'in vigore'), ('draft', 'bozza (solo simulazione)')], default='active', max_length=8, verbose_name='stato')),
                    ],
                    options={
                        'verbose_name': 'regola tariffaria',
                        'verbose_name_plural': 'regole tariffarie',
                        'ordering': ['service', '-valid_from'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('valid_until__isnull', True), ('valid_until__gte', models.F('valid_from')), _connector='OR'), name='tariffs_rule_dates_in_order')],
                    },
                ),
                migrations.CreateModel(
                    name='Scale',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='nome')),
                        ('kind', models.CharField(choices=[('isee', 'ISEE'), ('ff', 'Fattore Famiglia')], max_length=4, verbose_name='indicatore')),
                        ('valid_from', models.DateField(verbose_name='valida dal')),
                        ('valid_until', models.DateField(blank=True, null=True, verbose_name='valida fino al')),
                        ('coefficients', models.JSONField(help_text='Esempio: {"base": ["1.00", "1.57", "2.04", "2.46", "2.85"], "extra_member": "0.35", "large_family": [[3, "0.20"], [4, "0.35"], [5, "0.50"]], "minors_working_parents": "0.20", "young_child_working_parents": "0.30", "per_disabled_member": "0.50", "per_child": "0"}', verbose_name='coefficienti')),
                        ('notes', models.TextField(blank=True, verbose_name='note')),
                        ('municipality', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='tariff_scales', to='hub.municipality', verbose_name='comune')),
                        ('network', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='tariff_scales', to='hub.network', verbose_name='rete')),
                        ('status', models.CharField(choices=[('active', 'in vigore'), ('draft', 'bozza (solo simulazione)')], default='active', max_length=8, verbose_name='stato')),
                    ],
                    options={
                        'verbose_name': 'scala di equivalenza',
                        'verbose_name_plural': 'scale di equivalenza',
                        'ordering': ['kind', '-valid_from'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('municipality__isnull', True), ('network__isnull', True), _connector='OR'), name='tariffs_scale_one_scope'), models.CheckConstraint(condition=models.Q(('valid_until__isnull', True), ('valid_until__gte', models.F('valid_from')), _connector='OR'), name='tariffs_scale_dates_in_order')],
                    },
                ),
            ],
        ),
    ]
