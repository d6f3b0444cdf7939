"""carta 0001–0006 in one migration, then the renewal reminders' schedule (0002) and the
categories and badges (0005), by the same functions.

Used on a database where none of them has run (a new one); where all of them have run it
counts as applied, and where only some have, Django runs the rest of them instead. The
models are created by one CreateModels operation (hub/migration_operations.py), with their
constraints and indexes, which `migrate` renders once instead of once per model and per
change. tests/hub/test_migrations.py checks that the two paths give the same models and that
a database migrated along the old chain migrates on.
"""

from importlib import import_module

import django.core.validators
import django.db.models.deletion
import hub.migration_operations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('carta', '0001_initial'), ('carta', '0002_renewal_reminder_schedule'), ('carta', '0003_shop_contacts_and_outlet_coordinates'), ('carta', '0004_offers_categories_badges'), ('carta', '0005_categories_and_badges_data'), ('carta', '0006_shop_public_details_and_invitations')]

    initial = True

    dependencies = [
        ('django_q', '0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more'),
        ('hub', '0002_squashed_0007_notification_digest_schedules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        hub.migration_operations.CreateModels(
            models=[
                migrations.CreateModel(
                    name='Shop',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('pending', 'in attesa'), ('approved', 'approvata'), ('rejected', 'respinta')], default='pending', max_length=10, verbose_name='stato')),
                        ('decision_reason', models.TextField(blank=True, verbose_name='motivazione')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decisa il')),
                        ('business_name', models.CharField(max_length=200, verbose_name='ragione sociale')),
                        ('vat_number', models.CharField(max_length=11, verbose_name='partita IVA')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='creato il')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decisa da')),
                        ('network', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shops', to='hub.network', verbose_name='rete')),
                        ('operators', models.ManyToManyField(related_name='shops', through='carta.ShopOperator', to=settings.AUTH_USER_MODEL, verbose_name='operatori')),
                        ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail di contatto')),
                        ('operator_email', models.EmailField(blank=True, help_text="Riceve l'accesso alla verifica delle carte quando l'esercizio è approvato.", max_length=254, verbose_name='e-mail del primo operatore')),
                        ('categories', models.ManyToManyField(blank=True, related_name='shops', to='carta.category', verbose_name='categorie')),
                        ('description', models.TextField(blank=True, max_length=2000, verbose_name='descrizione')),
                        ('phone', models.CharField(blank=True, max_length=40, verbose_name='telefono')),
                        ('public_email', models.EmailField(blank=True, help_text="Appare nella pagina pubblica e nell'API; l'e-mail di contatto no.", max_length=254, verbose_name='e-mail pubblica')),
                        ('website', models.URLField(blank=True, verbose_name='sito web')),
                    ],
                    options={
                        'verbose_name': 'esercizio convenzionato',
                        'verbose_name_plural': 'esercizi convenzionati',
                        'ordering': ['business_name'],
                        'abstract': False,
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'rejected'), _negated=True), models.Q(('decision_reason', ''), _negated=True), _connector='OR'), name='carta_shop_rejection_has_a_reason'), models.UniqueConstraint(fields=('network', 'vat_number'), name='shop_vat_per_network')],
                    },
                ),
                migrations.CreateModel(
                    name='Outlet',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='nome')),
                        ('address', models.CharField(max_length=200, verbose_name='indirizzo')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='outlets', to='hub.municipality', verbose_name='comune')),
                        ('shop', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outlets', to='carta.shop', verbose_name='esercizio')),
                        ('latitude', models.DecimalField(blank=True, decimal_places=6, max_digits=8, null=True, validators=[django.core.validators.MinValueValidator(-90), django.core.validators.MaxValueValidator(90)], verbose_name='latitudine')),
                        ('longitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, validators=[django.core.validators.MinValueValidator(-180), django.core.validators.MaxValueValidator(180)], verbose_name='longitudine')),
                    ],
                    options={
                        'verbose_name': 'punto vendita',
                        'verbose_name_plural': 'punti vendita',
                        'ordering': ['name', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ShopOperator',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('shop', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='carta.shop')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shop_memberships', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': "operatore dell'esercizio",
                        'verbose_name_plural': "operatori dell'esercizio",
                        'constraints': [models.UniqueConstraint(fields=('shop', 'user'), name='shop_operator_once')],
                    },
                ),
                migrations.CreateModel(
                    name='Verification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('card_hash', models.CharField(blank=True, max_length=32)),
                        ('outcome', models.CharField(choices=[('valid', 'valida'), ('expired', 'scaduta'), ('suspended', 'sospesa'), ('revoked', 'revocata'), ('token_expired', 'codice QR scaduto'), ('token_replaced', 'codice QR sostituito'), ('forged', 'codice non valido'), ('unknown', 'carta inesistente'), ('other_network', "carta di un'altra rete")], max_length=20)),
                        ('verified_at', models.DateTimeField(auto_now_add=True)),
                        ('outlet', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='verifications', to='carta.outlet')),
                        ('shop', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='verifications', to='carta.shop')),
                    ],
                    options={
                        'ordering': ['-verified_at', '-pk'],
                        'indexes': [models.Index(fields=['shop', 'verified_at'], name='carta_verif_shop_id_deee10_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='Card',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=12, unique=True, verbose_name='numero')),
                        ('status', models.CharField(choices=[('active', 'attiva'), ('suspended', 'sospesa'), ('revoked', 'revocata')], default='active', max_length=10, verbose_name='stato')),
                        ('status_reason', models.TextField(blank=True, verbose_name='motivo dello stato')),
                        ('status_changed_at', models.DateTimeField(blank=True, null=True, verbose_name='stato cambiato il')),
                        ('issued_on', models.DateField(verbose_name='emessa il')),
                        ('valid_until', models.DateField(verbose_name='valida fino al')),
                        ('declared_isee_band', models.CharField(blank=True, choices=[('fino-15000', 'fino a 15.000 €'), ('15000-30000', 'da 15.000 a 30.000 €'), ('30000-40000', 'da 30.000 a 40.000 €'), ('oltre-40000', 'oltre 40.000 €')], max_length=20, verbose_name='fascia ISEE dichiarata')),
                        ('token_generation', models.PositiveIntegerField(default=1)),
                        ('token_expires_on', models.DateField()),
                        ('token_hash', models.CharField(max_length=64)),
                        ('family', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='card', to='hub.family', verbose_name='famiglia')),
                        ('network', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cards', to='hub.network', verbose_name='rete')),
                        ('status_changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='stato cambiato da')),
                    ],
                    options={
                        'verbose_name': 'Carta Famiglia',
                        'verbose_name_plural': 'Carte Famiglia',
                        'ordering': ['-issued_on', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('valid_until__gte', models.F('issued_on'))), name='card_valid_after_issue'), models.CheckConstraint(condition=models.Q(('status', 'active'), models.Q(('status_reason', ''), _negated=True), _connector='OR'), name='card_suspension_or_revocation_has_a_reason')],
                    },
                ),
                migrations.CreateModel(
                    name='CardRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('min_minor_children', models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1)], verbose_name='numero minimo di figli minorenni')),
                        ('max_isee_band', models.CharField(blank=True, choices=[('fino-15000', 'fino a 15.000 €'), ('15000-30000', 'da 15.000 a 30.000 €'), ('30000-40000', 'da 30.000 a 40.000 €'), ('oltre-40000', 'oltre 40.000 €')], help_text="Vuota: nessuna condizione sull'ISEE. La famiglia dichiara solo la fascia.", max_length=20, verbose_name='fascia ISEE massima')),
                        ('validity_days', models.PositiveSmallIntegerField(default=365, validators=[django.core.validators.MinValueValidator(30), django.core.validators.MaxValueValidator(1100)], verbose_name='durata della carta (giorni)')),
                        ('show_minor_children', models.BooleanField(default=False, verbose_name='mostra agli esercenti il numero di figli minorenni')),
                        ('network', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='card_rule', to='hub.network', verbose_name='rete')),
                    ],
                    options={
                        'verbose_name': 'regola della Carta Famiglia',
                        'verbose_name_plural': 'regole della Carta Famiglia',
                        'constraints': [models.CheckConstraint(condition=models.Q(('min_minor_children__gte', 1)), name='cardrule_at_least_one_minor'), models.CheckConstraint(condition=models.Q(('validity_days__gte', 30)), name='cardrule_validity_at_least_30_days')],
                    },
                ),
                migrations.CreateModel(
                    name='Category',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, unique=True, verbose_name='nome')),
                        ('slug', models.SlugField(max_length=80, unique=True, verbose_name='slug')),
                        ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='ordine')),
                    ],
                    options={
                        'verbose_name': 'categoria',
                        'verbose_name_plural': 'categorie',
                        'ordering': ['sort_order', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='Badge',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, unique=True, verbose_name='nome')),
                        ('slug', models.SlugField(max_length=80, unique=True, verbose_name='slug')),
                        ('min_percentage', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='sconto minimo (%)')),
                    ],
                    options={
                        'verbose_name': 'riconoscimento',
                        'verbose_name_plural': 'riconoscimenti',
                        'ordering': ['min_percentage'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('min_percentage__gt', 0), ('min_percentage__lte', 100)), name='badge_threshold_is_a_percentage')],
                    },
                ),
                migrations.CreateModel(
                    name='Offer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=150, verbose_name='titolo')),
                        ('description', models.TextField(blank=True, verbose_name='descrizione')),
                        ('kind', models.CharField(choices=[('percentage', 'sconto in percentuale'), ('amount_off', 'sconto in euro'), ('special_price', 'prezzo speciale'), ('free', 'prodotto o servizio gratuito')], max_length=20, verbose_name='tipo')),
                        ('value', models.DecimalField(blank=True, decimal_places=2, help_text='Percentuale, euro di sconto o prezzo speciale; vuoto se gratuito.', max_digits=8, null=True, verbose_name='valore')),
                        ('conditions', models.CharField(blank=True, max_length=300, verbose_name='condizioni')),
                        ('starts_on', models.DateField(verbose_name='valida dal')),
                        ('ends_on', models.DateField(verbose_name='valida fino al')),
                        ('card_holders_only', models.BooleanField(default=True, verbose_name='solo per chi ha la Carta Famiglia')),
                        ('categories', models.ManyToManyField(blank=True, related_name='offers', to='carta.category', verbose_name='categorie')),
                        ('outlets', models.ManyToManyField(blank=True, related_name='offers', to='carta.outlet', verbose_name='punti vendita')),
                        ('shop', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='offers', to='carta.shop', verbose_name='esercizio')),
                    ],
                    options={
                        'verbose_name': 'offerta',
                        'verbose_name_plural': 'offerte',
                        'ordering': ['-starts_on', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('ends_on__gte', models.F('starts_on'))), name='offer_ends_after_start'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'free'), ('value__isnull', True)), models.Q(models.Q(('kind', 'free'), _negated=True), ('value__gt', 0)), _connector='OR'), name='offer_value_matches_kind'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'percentage'), _negated=True), ('value__lte', 100), _connector='OR'), name='offer_percentage_at_most_100')],
                    },
                ),
                migrations.CreateModel(
                    name='ShopInvitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail')),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('expires_at', models.DateTimeField()),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('invited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('shop', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='carta.shop')),
                    ],
                    options={
                        'verbose_name': 'invito a un operatore',
                        'verbose_name_plural': 'inviti agli operatori',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            code=import_module('carta.migrations.0002_renewal_reminder_schedule').create_schedule,
            reverse_code=import_module('carta.migrations.0002_renewal_reminder_schedule').delete_schedule,
        ),
        migrations.RunPython(
            code=import_module('carta.migrations.0005_categories_and_badges_data').create,
            # Unapplied, the squash drops the tables with their rows. Deleting the rows first,
            # in the same transaction, left PostgreSQL's deferred foreign-key checks pending
            # on carta_category, and it refuses to drop a table with pending checks.
            reverse_code=migrations.RunPython.noop,
        ),
    ]
