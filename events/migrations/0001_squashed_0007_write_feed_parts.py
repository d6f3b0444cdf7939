"""events 0001–0007 in one migration, then the hourly ICS import's schedule. 0007 (the
stored feed parts of events published before them) has nothing to do where no event exists.

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
import hub.rich_text
import modelcluster.fields
import uuid
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('events', '0001_initial'),
        ('events', '0002_ics_import_schedule'),
        ('events', '0003_event_proposals'),
        ('events', '0004_decision_constraint_names'),
        ('events', '0005_shared_cost_fields'),
        ('events', '0006_feed_parts'),
        ('events', '0007_write_feed_parts'),
    ]

    dependencies = [
        ('associations', '0004_shared_cost_fields'),
        ('django_q', '0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more'),
        ('hub', '0005_alter_homepage_intro_alter_standardpage_body'),
        ('wagtailcore', '0098_apitoken'),
        ('wagtailimages', '0027_image_description'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        hub.migration_operations.CreateModels(
            models=[
                migrations.CreateModel(
                    name='EventPage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('is_free', models.BooleanField(default=True, verbose_name='gratis')),
                        ('cost', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='costo (€)')),
                        ('cost_note', models.CharField(blank=True, max_length=200, verbose_name='note sul costo')),
                        ('uid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('summary', models.TextField(blank=True, max_length=400, verbose_name='in breve')),
                        ('start', models.DateTimeField(verbose_name='inizio')),
                        ('end', models.DateTimeField(verbose_name='fine')),
                        ('all_day', models.BooleanField(default=False, help_text='Per gli eventi di uno o più giorni interi: gli orari vengono ignorati.', verbose_name='tutto il giorno')),
                        ('repeat', models.CharField(blank=True, choices=[('', 'non si ripete'), ('daily', 'ogni giorno'), ('weekly', 'ogni settimana'), ('monthly', 'ogni mese')], default='', max_length=10, verbose_name='ripetizione')),
                        ('repeat_interval', models.PositiveSmallIntegerField(default=1, help_text='1 = ogni settimana (o giorno, o mese), 2 = una sì e una no, …', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(99)], verbose_name='ogni quante volte')),
                        ('repeat_weekdays', models.JSONField(blank=True, default=list, help_text="Solo per la ripetizione settimanale; se vuoto, il giorno dell'inizio.", verbose_name='giorni della settimana')),
                        ('repeat_until', models.DateField(blank=True, null=True, verbose_name='fino al')),
                        ('repeat_count', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='numero di volte')),
                        ('venue', models.CharField(blank=True, max_length=200, verbose_name='luogo')),
                        ('address', models.CharField(blank=True, max_length=250, verbose_name='indirizzo')),
                        ('latitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, validators=[django.core.validators.MinValueValidator(-90), django.core.validators.MaxValueValidator(90)], verbose_name='latitudine')),
                        ('longitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, validators=[django.core.validators.MinValueValidator(-180), django.core.validators.MaxValueValidator(180)], verbose_name='longitudine')),
                        ('status', models.CharField(choices=[('scheduled', 'confermato'), ('cancelled', 'annullato'), ('postponed', 'rinviato')], default='scheduled', max_length=10, verbose_name='stato')),
                        ('body', wagtail.fields.StreamField([('paragraph', 0), ('image', 1), ('document', 2), ('embed', 3), ('call_to_action', 6)], blank=True, block_lookup={0: ('hub.rich_text.SanitizedRichTextBlock', (), {'features': ['h2', 'h3', 'bold', 'italic', 'ol', 'ul', 'link', 'document-link'], 'label': 'Testo'}), 1: ('wagtail.images.blocks.ImageBlock', [], {'label': 'Immagine'}), 2: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': 'Documento'}), 3: ('wagtail.embeds.blocks.EmbedBlock', (), {'label': 'Video o contenuto incorporato', 'max_width': 800}), 4: ('wagtail.blocks.CharBlock', (), {'label': 'Testo del pulsante', 'max_length': 60}), 5: ('wagtail.blocks.URLBlock', (), {'label': 'Collegamento'}), 6: ('wagtail.blocks.StructBlock', [[('text', 4), ('url', 5)]], {})}, verbose_name='descrizione')),
                        ('registration_required', models.BooleanField(default=False, verbose_name='iscrizione obbligatoria')),
                        ('capacity', models.PositiveIntegerField(blank=True, help_text="Vuoto = senza limite. Oltre i posti si entra in lista d'attesa.", null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='posti disponibili')),
                        ('registration_closes_at', models.DateTimeField(blank=True, null=True, verbose_name='iscrizioni aperte fino al')),
                        ('sequence', models.PositiveIntegerField(default=0, editable=False)),
                        ('schedule_fingerprint', models.CharField(blank=True, editable=False, max_length=64)),
                        ('content_fingerprint', models.CharField(blank=True, editable=False, max_length=64)),
                        ('changed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('cancelled_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('import_uid', models.CharField(blank=True, editable=False, max_length=255)),
                        ('age_bands', modelcluster.fields.ParentalManyToManyField(blank=True, related_name='events', to='hub.ageband', verbose_name="fasce d'età")),
                        ('areas', modelcluster.fields.ParentalManyToManyField(blank=True, related_name='events', to='hub.area', verbose_name='aree')),
                        ('association', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='associations.association', verbose_name='associazione')),
                        ('image', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image', verbose_name='immagine')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='hub.municipality', verbose_name='comune')),
                        ('import_source', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='events', to='events.icsimportsource')),
                    ],
                    options={
                        'verbose_name': 'evento',
                        'verbose_name_plural': 'eventi',
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('cost__isnull', True), ('is_free', True)), ('is_free', False), _connector='OR'), name='events_eventpage_free_has_no_cost'), models.CheckConstraint(condition=models.Q(('end__gte', models.F('start'))), name='event_ends_after_start'), models.CheckConstraint(condition=models.Q(('repeat_until__isnull', True), ('repeat_count__isnull', True), _connector='OR'), name='event_repeat_until_or_count'), models.UniqueConstraint(condition=models.Q(('import_source__isnull', False)), fields=('import_source', 'import_uid'), name='event_unique_import_uid')],
                    },
                    bases=('wagtailcore.page', models.Model),
                ),
                migrations.CreateModel(
                    name='FeedsVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.BigIntegerField(default=0)),
                    ],
                ),
                migrations.CreateModel(
                    name='CalendarFeedToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feed_token', to=settings.AUTH_USER_MODEL)),
                    ],
                ),
                migrations.CreateModel(
                    name='EventFeedPart',
                    fields=[
                        ('event', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='feed_part', serialize=False, to='events.eventpage')),
                        ('sort_start', models.DateTimeField()),
                        ('uid', models.CharField(max_length=255)),
                        ('body', models.BinaryField()),
                        ('first_year', models.PositiveSmallIntegerField()),
                        ('last_year', models.PositiveSmallIntegerField()),
                        ('format', models.CharField(max_length=64)),
                        ('modified', models.DateTimeField()),
                        ('tag', models.BigIntegerField()),
                        ('written_at', models.DateTimeField()),
                    ],
                ),
                migrations.CreateModel(
                    name='IcsImportSource',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('url', models.URLField(max_length=500, verbose_name='indirizzo del calendario (ICS)')),
                        ('active', models.BooleanField(default=True, verbose_name='attivo')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('last_sync_at', models.DateTimeField(blank=True, null=True, verbose_name='ultima sincronizzazione')),
                        ('last_status', models.CharField(choices=[('never', 'mai sincronizzato'), ('ok', 'riuscita'), ('error', 'non riuscita')], default='never', max_length=10, verbose_name='esito')),
                        ('last_error', models.TextField(blank=True, verbose_name='errore')),
                        ('last_counts', models.JSONField(blank=True, default=dict)),
                        ('http_etag', models.CharField(blank=True, max_length=200)),
                        ('http_last_modified', models.CharField(blank=True, max_length=100)),
                        ('association', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ics_sources', to='associations.association', verbose_name='associazione')),
                        ('municipality', models.ForeignKey(help_text='Il comune in cui si svolgono gli eventi importati.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hub.municipality', verbose_name='comune degli eventi')),
                    ],
                    options={
                        'verbose_name': 'calendario importato',
                        'verbose_name_plural': 'calendari importati',
                        'constraints': [models.UniqueConstraint(fields=('association', 'url'), name='ics_source_unique_url')],
                    },
                ),
                migrations.CreateModel(
                    name='MunicipalEventsIndexPage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('intro', hub.rich_text.SanitizedRichTextField(blank=True, verbose_name='introduzione')),
                        ('municipality', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='events_index', to='hub.municipality', verbose_name='comune')),
                    ],
                    options={
                        'verbose_name': 'eventi del comune',
                        'verbose_name_plural': 'eventi dei comuni',
                    },
                    bases=('wagtailcore.page',),
                ),
                migrations.CreateModel(
                    name='Registration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seats', models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10)], verbose_name='posti')),
                        ('status', models.CharField(choices=[('confirmed', 'confermata'), ('waitlisted', "in lista d'attesa"), ('cancelled', 'annullata')], max_length=12, verbose_name='stato')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name="note per l'organizzatore")),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('promoted_at', models.DateTimeField(blank=True, null=True)),
                        ('cancelled_at', models.DateTimeField(blank=True, null=True)),
                        ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='registrations', to='events.eventpage')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='event_registrations', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'iscrizione',
                        'verbose_name_plural': 'iscrizioni',
                        'ordering': ['created_at', 'id'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'cancelled'), _negated=True), fields=('event', 'user'), name='one_active_registration_per_person')],
                    },
                ),
                migrations.CreateModel(
                    name='EventExclusion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                        ('date', models.DateField(verbose_name='data')),
                        ('page', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='exclusions', to='events.eventpage')),
                    ],
                    options={
                        'verbose_name': 'data esclusa',
                        'ordering': ['sort_order'],
                        'abstract': False,
                        'constraints': [models.UniqueConstraint(fields=('page', 'date'), name='event_exclusion_unique_date')],
                    },
                ),
                migrations.CreateModel(
                    name='EventOccurrence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('original_start', models.DateTimeField()),
                        ('start', models.DateTimeField(db_index=True)),
                        ('end', models.DateTimeField()),
                        ('cancelled', models.BooleanField(default=False)),
                        ('moved', models.BooleanField(default=False)),
                        ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='occurrences', to='events.eventpage')),
                    ],
                    options={
                        'ordering': ['start', 'event_id'],
                        'indexes': [models.Index(fields=['event', 'start', 'end'], name='occurrence_event_start_end')],
                        'constraints': [models.UniqueConstraint(fields=('event', 'original_start'), name='occurrence_unique_original_start')],
                    },
                ),
                migrations.CreateModel(
                    name='EventOccurrenceChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                        ('original_date', models.DateField(help_text='La data della serie che cambia.', verbose_name='data originale')),
                        ('cancelled', models.BooleanField(default=False, verbose_name='annullata')),
                        ('new_start', models.DateTimeField(blank=True, null=True, verbose_name='nuovo inizio')),
                        ('new_end', models.DateTimeField(blank=True, null=True, verbose_name='nuova fine')),
                        ('page', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='occurrence_changes', to='events.eventpage')),
                    ],
                    options={
                        'verbose_name': 'modifica di una data',
                        'ordering': ['sort_order'],
                        'abstract': False,
                        'constraints': [models.UniqueConstraint(fields=('page', 'original_date'), name='event_change_unique_date')],
                    },
                ),
                migrations.CreateModel(
                    name='EventProposal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('pending', 'in attesa'), ('approved', 'approvata'), ('rejected', 'respinta')], default='pending', max_length=10, verbose_name='stato')),
                        ('decision_reason', models.TextField(blank=True, verbose_name='motivazione')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decisa il')),
                        ('organizer_name', models.CharField(blank=True, help_text='Il gruppo informale o le famiglie che organizzano; vuoto = a titolo personale.', max_length=150, verbose_name='chi organizza')),
                        ('title', models.CharField(max_length=200, verbose_name="nome dell'evento")),
                        ('description', models.TextField(max_length=2000, verbose_name='descrizione')),
                        ('venue', models.CharField(max_length=200, verbose_name='luogo')),
                        ('address', models.CharField(blank=True, max_length=250, verbose_name='indirizzo')),
                        ('start', models.DateTimeField(verbose_name='inizio')),
                        ('end', models.DateTimeField(verbose_name='fine')),
                        ('repeat', models.CharField(blank=True, choices=[('', 'non si ripete'), ('weekly', 'ogni settimana'), ('monthly', 'ogni mese')], default='', max_length=10, verbose_name='ripetizione')),
                        ('repeat_until', models.DateField(blank=True, null=True, verbose_name='ripetuto fino al')),
                        ('contact_email', models.EmailField(max_length=254, verbose_name='e-mail di contatto')),
                        ('contact_phone', models.CharField(blank=True, max_length=40, verbose_name='telefono di contatto')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='ricevuta il')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decisa da')),
                        ('event', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='proposal', to='events.eventpage', verbose_name='evento pubblicato')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='event_proposals', to='hub.municipality', verbose_name='comune')),
                        ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='event_proposals', to=settings.AUTH_USER_MODEL, verbose_name='proposta da')),
                    ],
                    options={
                        'verbose_name': 'proposta di evento',
                        'verbose_name_plural': 'proposte di eventi',
                        'ordering': ['-created_at', '-pk'],
                        'abstract': False,
                        'indexes': [models.Index(fields=['status', 'created_at'], name='event_proposal_status')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'rejected'), _negated=True), models.Q(('decision_reason', ''), _negated=True), _connector='OR'), name='events_eventproposal_rejection_has_a_reason'), models.CheckConstraint(condition=models.Q(('end__gte', models.F('start'))), name='event_proposal_ends_after_start'), models.CheckConstraint(condition=models.Q(('repeat', ''), ('repeat_until__isnull', False), _connector='OR'), name='event_proposal_repeat_has_an_end')],
                    },
                ),
            ],
        ),
        # The schedule, by the replaced migration's own function.
        migrations.RunPython(
            import_module('events.migrations.0002_ics_import_schedule').create_schedules,
            migrations.RunPython.noop,
        ),
    ]
