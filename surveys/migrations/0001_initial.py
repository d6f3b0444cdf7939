"""The surveys' models, created by one CreateModels operation (hub/migration_operations.py)
with their constraints and indexes in each model's options, which `migrate` renders once
instead of once per model and per constraint.

Rewritten in place, not squashed: it is the app's only migration, so no database can have
run part of it, and one that has run it has exactly these tables (same columns, constraints
and indexes, by the same names; checked against the CreateModel and AddConstraint operations
it had before, on SQLite and PostgreSQL).
"""

import django.db.models.deletion
import hub.migration_operations
import modelcluster.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('hub', '0002_squashed_0007_notification_digest_schedules'),
    ]

    operations = [
        hub.migration_operations.CreateModels(
            models=[
                migrations.CreateModel(
                    name='Survey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='titolo')),
                        ('slug', models.SlugField(max_length=120, unique=True, verbose_name='slug')),
                        ('intro', models.TextField(blank=True, verbose_name='introduzione')),
                        ('opens_at', models.DateTimeField(verbose_name='apertura')),
                        ('closes_at', models.DateTimeField(verbose_name='chiusura')),
                        ('audience', models.CharField(choices=[('public', 'Pubblico (chiunque abbia il link)'), ('invited', 'Solo famiglie invitate')], default='public', max_length=10, verbose_name='destinatari')),
                        ('status', models.CharField(choices=[('draft', 'Bozza'), ('published', 'Pubblicato')], default='draft', max_length=10, verbose_name='stato')),
                        ('network', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='surveys', to='hub.network', verbose_name='rete')),
                    ],
                    options={
                        'verbose_name': 'questionario',
                        'verbose_name_plural': 'questionari',
                        'ordering': ['-opens_at'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('closes_at__gt', models.F('opens_at'))), name='survey_closes_after_opening')],
                    },
                ),
                migrations.CreateModel(
                    name='Section',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                        ('number', models.PositiveSmallIntegerField(verbose_name='numero')),
                        ('title', models.CharField(max_length=200, verbose_name='titolo')),
                        ('skip_if_question', models.CharField(blank=True, help_text='Il codice di una domanda di una sezione precedente, per esempio «Q2».', max_length=20, verbose_name='salta se la domanda (codice)')),
                        ('skip_if_answer', models.CharField(blank=True, help_text='La risposta che fa saltare questa sezione, per esempio «No».', max_length=200, verbose_name='ha la risposta')),
                        ('survey', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='sections', to='surveys.survey')),
                    ],
                    options={
                        'verbose_name': 'sezione',
                        'verbose_name_plural': 'sezioni',
                        'ordering': ['sort_order'],
                        'abstract': False,
                        'constraints': [models.UniqueConstraint(fields=('survey', 'number'), name='section_number_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='Response',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('submitted_on', models.DateField(verbose_name='inviato il')),
                        ('age_band', models.CharField(blank=True, choices=[('0-2', '0–2 anni'), ('3-5', '3–5 anni'), ('6-10', '6–10 anni'), ('11-14', '11–14 anni'), ('15-18', '15–18 anni'), ('none', 'Nessun figlio minorenne')], max_length=8)),
                        ('municipality', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hub.municipality')),
                        ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='responses', to='surveys.survey')),
                    ],
                    options={
                        'verbose_name': 'risposta',
                        'verbose_name_plural': 'risposte',
                    },
                ),
                migrations.CreateModel(
                    name='Question',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                        ('section_number', models.PositiveSmallIntegerField(default=1, verbose_name='sezione (numero)')),
                        ('code', models.CharField(help_text='Breve e unico nel questionario, es. «Q1».', max_length=20, verbose_name='codice')),
                        ('text', models.CharField(max_length=300, verbose_name='domanda')),
                        ('help_text', models.CharField(blank=True, max_length=300, verbose_name='aiuto')),
                        ('kind', models.CharField(choices=[('single', 'Scelta singola'), ('multiple', 'Scelta multipla'), ('scale', 'Scala da 1 a 5'), ('number', 'Numero'), ('short_text', 'Testo breve'), ('long_text', 'Testo lungo')], max_length=12, verbose_name='tipo')),
                        ('required', models.BooleanField(default=True, verbose_name='obbligatoria')),
                        ('choices', models.TextField(blank=True, help_text='Una opzione per riga (solo per le scelte).', verbose_name='opzioni')),
                        ('survey', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='surveys.survey')),
                    ],
                    options={
                        'verbose_name': 'domanda',
                        'verbose_name_plural': 'domande',
                        'ordering': ['sort_order'],
                        'abstract': False,
                        'constraints': [models.UniqueConstraint(fields=('survey', 'code'), name='question_code_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail')),
                        ('salt', models.CharField(max_length=32)),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('age_band', models.CharField(blank=True, choices=[('0-2', '0–2 anni'), ('3-5', '3–5 anni'), ('6-10', '6–10 anni'), ('11-14', '11–14 anni'), ('15-18', '15–18 anni'), ('none', 'Nessun figlio minorenne')], max_length=8)),
                        ('answered', models.BooleanField(default=False, verbose_name='ha risposto')),
                        ('reminders_sent', models.PositiveSmallIntegerField(default=0)),
                        ('reminded_on', models.DateField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('family', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='hub.family')),
                        ('municipality', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='hub.municipality')),
                        ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='surveys.survey')),
                    ],
                    options={
                        'verbose_name': 'invito',
                        'verbose_name_plural': 'inviti',
                        'constraints': [models.UniqueConstraint(fields=('survey', 'email'), name='invitation_once_per_email')],
                    },
                ),
                migrations.CreateModel(
                    name='Answer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('choice', models.CharField(blank=True, max_length=200)),
                        ('number', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True)),
                        ('text', models.TextField(blank=True)),
                        ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='surveys.question')),
                        ('response', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='surveys.response')),
                    ],
                    options={
                        'indexes': [models.Index(fields=['question', 'choice'], name='surveys_ans_questio_e03d6c_idx')],
                    },
                ),
            ],
        ),
    ]
