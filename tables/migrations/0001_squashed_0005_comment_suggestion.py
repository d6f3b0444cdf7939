"""tables 0001–0005 in one migration: the tables, their meetings and proposals, the piano
family, the co-edited documents and the suggestions. None of them had data to create.

Used on a database where none of them has run (a new one); where all of them have run it
counts as applied, and where only some have, Django runs the rest of them instead. The
models are created by one CreateModels operation (hub/migration_operations.py), with their
constraints and indexes, which `migrate` renders once instead of once per model and per
change. tests/hub/test_migrations.py checks that the two paths give the same models and that
a database migrated along the old chain migrates on.
"""

import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
import hub.migration_operations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('tables', '0001_initial'), ('tables', '0002_piano_family'), ('tables', '0003_coedit'), ('tables', '0004_suggestion'), ('tables', '0005_comment_suggestion')]

    initial = True

    dependencies = [
        ('associations', '0001_squashed_0004_shared_cost_fields'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('hub', '0002_squashed_0007_notification_digest_schedules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        hub.migration_operations.CreateModels(
            models=[
                migrations.CreateModel(
                    name='Meeting',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='titolo')),
                        ('starts_at', models.DateTimeField(verbose_name='inizio')),
                        ('ends_at', models.DateTimeField(verbose_name='fine')),
                        ('place', models.CharField(blank=True, max_length=300, verbose_name='luogo')),
                        ('online_url', models.URLField(blank=True, verbose_name='collegamento online')),
                        ('status', models.CharField(choices=[('scheduled', 'convocata'), ('held', 'svolta'), ('cancelled', 'annullata')], default='scheduled', max_length=10, verbose_name='stato')),
                        ('sequence', models.PositiveIntegerField(default=0, editable=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('table', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meetings', to='tables.table')),
                    ],
                    options={
                        'verbose_name': 'riunione',
                        'verbose_name_plural': 'riunioni',
                        'ordering': ['starts_at', 'pk'],
                        'indexes': [models.Index(fields=['table', 'starts_at'], name='tables_meeting_table_start')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='tables_meeting_ends_after_start'), models.CheckConstraint(condition=models.Q(models.Q(('place', ''), _negated=True), models.Q(('online_url', ''), _negated=True), _connector='OR'), name='tables_meeting_has_place_or_link')],
                    },
                ),
                migrations.CreateModel(
                    name='Minutes',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('body', models.TextField(verbose_name='testo del verbale')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approvato il')),
                        ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('meeting', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='minutes', to='tables.meeting')),
                        ('written_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'verbale',
                        'verbose_name_plural': 'verbali',
                    },
                ),
                migrations.CreateModel(
                    name='Proposal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='titolo')),
                        ('slug', models.SlugField(max_length=200, verbose_name='slug')),
                        ('summary', models.TextField(blank=True, max_length=1000, verbose_name='sintesi')),
                        ('body', models.TextField(blank=True, verbose_name='testo della proposta')),
                        ('budget_estimate', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='stima dei costi (€)')),
                        ('status', models.CharField(choices=[('draft', 'bozza'), ('discussion', 'in discussione'), ('submitted', 'presentata al tavolo'), ('approved', 'approvata'), ('rejected', 'respinta'), ('in_progress', 'in corso'), ('completed', 'completata'), ('withdrawn', 'ritirata')], default='draft', max_length=12, verbose_name='stato')),
                        ('latest_version', models.PositiveIntegerField(default=0, editable=False, verbose_name='ultima versione')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='creata il')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modificata il')),
                        ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='pubblicata il')),
                        ('age_bands', models.ManyToManyField(blank=True, related_name='proposals', to='hub.ageband', verbose_name="fasce d'età")),
                        ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='proposals', to='hub.area', verbose_name='area')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('municipalities', models.ManyToManyField(blank=True, related_name='proposals', to='hub.municipality', verbose_name='comuni')),
                        ('partner_associations', models.ManyToManyField(blank=True, related_name='proposals', to='associations.association', verbose_name='associazioni partner')),
                        ('co_authors', models.ManyToManyField(related_name='coauthored_proposals', through='tables.ProposalCoAuthor', to=settings.AUTH_USER_MODEL, verbose_name='coautori')),
                        ('table', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proposals', to='tables.table')),
                    ],
                    options={
                        'verbose_name': 'proposta',
                        'verbose_name_plural': 'proposte',
                        'ordering': ['-updated_at', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('table', 'slug'), name='tables_proposal_slug'), models.CheckConstraint(condition=models.Q(('budget_estimate__isnull', True), ('budget_estimate__gte', 0), _connector='OR'), name='tables_proposal_budget_not_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='AgendaItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='ordine')),
                        ('title', models.CharField(max_length=300, verbose_name='punto')),
                        ('notes', models.TextField(blank=True, verbose_name='note')),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agenda_items', to='tables.meeting')),
                        ('proposal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='agenda_items', to='tables.proposal', verbose_name='proposta')),
                    ],
                    options={
                        'verbose_name': "punto all'ordine del giorno",
                        'verbose_name_plural': 'ordine del giorno',
                        'ordering': ['meeting', 'order', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ProposalCoAuthor',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('added_at', models.DateTimeField(auto_now_add=True)),
                        ('credited_at', models.DateTimeField(blank=True, null=True, verbose_name='accreditato il')),
                        ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='authorships', to='tables.proposal')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proposal_authorships', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'coautore',
                        'verbose_name_plural': 'coautori',
                        'ordering': ['proposal', 'added_at', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('proposal', 'user'), name='tables_one_coauthorship')],
                    },
                ),
                migrations.CreateModel(
                    name='ProposalStatusChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_status', models.CharField(choices=[('draft', 'bozza'), ('discussion', 'in discussione'), ('submitted', 'presentata al tavolo'), ('approved', 'approvata'), ('rejected', 'respinta'), ('in_progress', 'in corso'), ('completed', 'completata'), ('withdrawn', 'ritirata')], max_length=12, verbose_name='da')),
                        ('to_status', models.CharField(choices=[('draft', 'bozza'), ('discussion', 'in discussione'), ('submitted', 'presentata al tavolo'), ('approved', 'approvata'), ('rejected', 'respinta'), ('in_progress', 'in corso'), ('completed', 'completata'), ('withdrawn', 'ritirata')], max_length=12, verbose_name='a')),
                        ('changed_at', models.DateTimeField(auto_now_add=True, verbose_name='il')),
                        ('note', models.TextField(blank=True, max_length=2000, verbose_name='nota')),
                        ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_changes', to='tables.proposal')),
                    ],
                    options={
                        'verbose_name': 'cambio di stato',
                        'verbose_name_plural': 'cambi di stato',
                        'ordering': ['proposal', 'changed_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ProposalVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField(verbose_name='numero')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='salvata il')),
                        ('snapshot', models.JSONField(verbose_name='contenuto')),
                        ('restored_from', models.PositiveIntegerField(blank=True, null=True, verbose_name='ripristina la versione')),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='tables.proposal')),
                    ],
                    options={
                        'verbose_name': 'versione della proposta',
                        'verbose_name_plural': 'versioni della proposta',
                        'ordering': ['proposal', 'number'],
                        'constraints': [models.UniqueConstraint(fields=('proposal', 'number'), name='tables_version_number'), models.CheckConstraint(condition=models.Q(('number__gte', 1)), name='tables_version_from_one')],
                    },
                ),
                migrations.CreateModel(
                    name='Table',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('intercommunal', 'tavolo intercomunale'), ('municipal', 'tavolo comunale delle famiglie')], max_length=20, verbose_name='tipo')),
                        ('name', models.CharField(max_length=200, verbose_name='nome')),
                        ('slug', models.SlugField(max_length=200, unique=True, verbose_name='slug')),
                        ('description', models.TextField(blank=True, verbose_name='descrizione')),
                        ('visibility', models.CharField(choices=[('public', 'pubblico'), ('private', 'riservato ai componenti')], default='public', max_length=10, verbose_name='visibilità')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='creato il')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('municipality', models.ForeignKey(blank=True, help_text='Obbligatorio per i tavoli comunali.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tables', to='hub.municipality', verbose_name='comune')),
                        ('network', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tables', to='hub.network', verbose_name='rete')),
                    ],
                    options={
                        'verbose_name': 'tavolo',
                        'verbose_name_plural': 'tavoli',
                        'ordering': ['name'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('kind', 'municipal'), _negated=True), ('municipality__isnull', False), _connector='OR'), name='tables_municipal_table_has_municipality')],
                    },
                ),
                migrations.CreateModel(
                    name='MembershipRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('pending', 'in attesa'), ('approved', 'approvata'), ('rejected', 'respinta')], default='pending', max_length=10, verbose_name='stato')),
                        ('decision_reason', models.TextField(blank=True, verbose_name='motivazione')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decisa il')),
                        ('message', models.TextField(blank=True, max_length=2000, verbose_name='messaggio')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='richiesta il')),
                        ('association', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='associations.association', verbose_name="per conto dell'associazione")),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decisa da')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='table_requests', to=settings.AUTH_USER_MODEL)),
                        ('table', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='membership_requests', to='tables.table')),
                    ],
                    options={
                        'verbose_name': 'richiesta di partecipazione',
                        'verbose_name_plural': 'richieste di partecipazione',
                        'ordering': ['-created_at'],
                        'abstract': False,
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'rejected'), _negated=True), models.Q(('decision_reason', ''), _negated=True), _connector='OR'), name='tables_membershiprequest_rejection_has_a_reason'), models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('table', 'user'), name='tables_one_pending_request')],
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('coordinator', 'coordinatore'), ('member', 'componente'), ('observer', 'osservatore')], default='member', max_length=12, verbose_name='ruolo')),
                        ('joined_at', models.DateTimeField(auto_now_add=True, verbose_name='entrato il')),
                        ('association', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='table_memberships', to='associations.association', verbose_name="per conto dell'associazione")),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='table_memberships', to=settings.AUTH_USER_MODEL)),
                        ('table', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='tables.table')),
                    ],
                    options={
                        'verbose_name': 'componente del tavolo',
                        'verbose_name_plural': 'componenti del tavolo',
                        'ordering': ['table', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('table', 'user'), name='tables_one_membership')],
                    },
                ),
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail')),
                        ('role', models.CharField(choices=[('coordinator', 'coordinatore'), ('member', 'componente'), ('observer', 'osservatore')], default='member', max_length=12, verbose_name='ruolo')),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('status', models.CharField(choices=[('pending', 'in attesa'), ('accepted', 'accettato'), ('declined', 'rifiutato'), ('revoked', 'revocato')], default='pending', max_length=10, verbose_name='stato')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('expires_at', models.DateTimeField()),
                        ('responded_at', models.DateTimeField(blank=True, null=True)),
                        ('association', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='associations.association', verbose_name="per conto dell'associazione")),
                        ('invited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('invited_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='table_invitations', to=settings.AUTH_USER_MODEL)),
                        ('table', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='tables.table')),
                    ],
                    options={
                        'verbose_name': 'invito al tavolo',
                        'verbose_name_plural': 'inviti al tavolo',
                        'ordering': ['-created_at'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('table', 'email'), name='tables_one_pending_invitation')],
                    },
                ),
                migrations.CreateModel(
                    name='TableDecision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('outcome', models.CharField(choices=[('approved', 'approvata'), ('rejected', 'respinta')], max_length=10, verbose_name='esito')),
                        ('votes_for', models.PositiveIntegerField(default=0, verbose_name='voti a favore')),
                        ('votes_against', models.PositiveIntegerField(default=0, verbose_name='voti contrari')),
                        ('votes_abstained', models.PositiveIntegerField(default=0, verbose_name='astenuti')),
                        ('motivation', models.TextField(blank=True, max_length=5000, verbose_name='motivazione')),
                        ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='registrata il')),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='tables.meeting', verbose_name='riunione')),
                        ('proposal', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='decision', to='tables.proposal')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'decisione del tavolo',
                        'verbose_name_plural': 'decisioni del tavolo',
                        'ordering': ['-recorded_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Attendance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('present', 'presente'), ('excused', 'assente giustificato')], default='present', max_length=10, verbose_name='presenza')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='table_attendances', to=settings.AUTH_USER_MODEL)),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='tables.meeting')),
                    ],
                    options={
                        'verbose_name': 'presenza',
                        'verbose_name_plural': 'presenze',
                        'constraints': [models.UniqueConstraint(fields=('meeting', 'user'), name='tables_one_attendance')],
                    },
                ),
                migrations.CreateModel(
                    name='Endorsement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version_number', models.PositiveIntegerField(verbose_name='versione sostenuta')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('association', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='table_endorsements', to='associations.association', verbose_name="per conto dell'associazione")),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='table_endorsements', to=settings.AUTH_USER_MODEL)),
                        ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='endorsements', to='tables.proposal')),
                    ],
                    options={
                        'verbose_name': 'sostegno',
                        'verbose_name_plural': 'sostegni',
                        'ordering': ['proposal', 'pk'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('association__isnull', True)), fields=('proposal', 'user'), name='tables_one_personal_endorsement'), models.UniqueConstraint(condition=models.Q(('association__isnull', False)), fields=('proposal', 'association'), name='tables_one_association_endorsement')],
                    },
                ),
                migrations.CreateModel(
                    name='Comment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('depth', models.PositiveSmallIntegerField(default=1)),
                        ('stance', models.CharField(choices=[('for', 'a favore'), ('against', 'contro'), ('neutral', 'neutrale')], default='neutral', max_length=10, verbose_name='posizione')),
                        ('body', models.TextField(max_length=5000, verbose_name='commento')),
                        ('version_number', models.PositiveIntegerField(default=0)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='scritto il')),
                        ('hidden', models.BooleanField(default=False, verbose_name='nascosto')),
                        ('hidden_reason', models.CharField(blank=True, max_length=500, verbose_name='motivo')),
                        ('hidden_at', models.DateTimeField(blank=True, null=True)),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('hidden_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='replies', to='tables.comment')),
                        ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='tables.proposal')),
                        ('suggestion', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='tables.suggestion', verbose_name='suggerimento')),
                    ],
                    options={
                        'verbose_name': 'commento',
                        'verbose_name_plural': 'commenti',
                        'ordering': ['proposal', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('depth__gte', 1), ('depth__lte', 3)), name='tables_comment_depth'), models.CheckConstraint(condition=models.Q(('hidden', False), models.Q(('hidden_reason', ''), _negated=True), _connector='OR'), name='tables_hidden_comment_has_reason')],
                    },
                ),
                migrations.CreateModel(
                    name='PianoFamily',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='titolo')),
                        ('slug', models.SlugField(max_length=120, unique=True, verbose_name='slug')),
                        ('start_year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='primo anno')),
                        ('end_year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='ultimo anno')),
                        ('first_review_on', models.DateField(blank=True, null=True, verbose_name='prima verifica annuale')),
                        ('second_review_on', models.DateField(blank=True, null=True, verbose_name='seconda verifica annuale')),
                        ('status', models.CharField(choices=[('draft', 'bozza'), ('published', 'pubblicato')], default='draft', max_length=10, verbose_name='stato')),
                        ('description', models.TextField(blank=True, verbose_name='descrizione')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='creato il')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modificato il')),
                        ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='pubblicato il')),
                        ('municipality', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='piani_family', to='hub.municipality', verbose_name='comune')),
                        ('network', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='piani_family', to='hub.network', verbose_name='rete')),
                    ],
                    options={
                        'verbose_name': 'Piano Family',
                        'verbose_name_plural': 'Piani Family',
                        'ordering': ['-start_year', 'title'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('municipality__isnull', True), ('network__isnull', False)), models.Q(('municipality__isnull', False), ('network__isnull', True)), _connector='OR'), name='piano_family_of_a_network_or_a_municipality'), models.CheckConstraint(condition=models.Q(('end_year__gte', models.F('start_year')), ('end_year__lt', django.db.models.expressions.CombinedExpression(models.F('start_year'), '+', models.Value(2)))), name='piano_family_period_of_one_or_two_years'), models.CheckConstraint(condition=models.Q(('status', 'draft'), ('published_at__isnull', False), _connector='OR'), name='piano_family_published_has_a_date')],
                    },
                ),
                migrations.CreateModel(
                    name='Objective',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='titolo')),
                        ('description', models.TextField(blank=True, verbose_name='descrizione')),
                        ('expected_results', models.TextField(blank=True, verbose_name='risultati attesi')),
                        ('indicator_name', models.CharField(max_length=200, verbose_name='indicatore')),
                        ('indicator_unit', models.CharField(blank=True, max_length=40, verbose_name='unità di misura')),
                        ('indicator_kind', models.CharField(choices=[('number', 'numero'), ('percentage', 'percentuale'), ('yes_no', 'sì/no')], default='number', max_length=12, verbose_name='tipo di indicatore')),
                        ('baseline', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='valore di partenza')),
                        ('target', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='valore obiettivo')),
                        ('progress_method', models.CharField(choices=[('indicator', "dall'indicatore (dal valore di partenza all'obiettivo)"), ('actions_average', 'dalle azioni (media semplice)'), ('actions_weighted', 'dalle azioni (media pesata)')], default='indicator', max_length=20, verbose_name='avanzamento calcolato')),
                        ('responsible', models.CharField(blank=True, max_length=200, verbose_name='responsabile')),
                        ('due_date', models.DateField(blank=True, null=True, verbose_name='scadenza')),
                        ('weight', models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)], verbose_name='peso')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='ordine')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='creato il')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modificato il')),
                        ('area', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='plan_objectives', to='hub.area', verbose_name='area')),
                        ('macro_area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plan_objectives', to='hub.macroarea', verbose_name='macro-area')),
                        ('municipalities', models.ManyToManyField(blank=True, help_text='Nessuno: tutti i Comuni del piano.', related_name='plan_objectives', to='hub.municipality', verbose_name='Comuni interessati')),
                        ('responsible_association', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='plan_objectives', to='associations.association', verbose_name='associazione responsabile')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='objectives', to='tables.pianofamily', verbose_name='piano')),
                    ],
                    options={
                        'verbose_name': 'obiettivo',
                        'verbose_name_plural': 'obiettivi',
                        'ordering': ['macro_area__code', 'order', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('weight__gte', 1), ('weight__lte', 100)), name='objective_weight_1_to_100'), models.CheckConstraint(condition=models.Q(('baseline__gte', 0), ('target__gte', 0)), name='objective_indicator_not_negative'), models.CheckConstraint(condition=models.Q(models.Q(('indicator_kind', 'percentage'), _negated=True), models.Q(('baseline__lte', 100), ('target__lte', 100)), _connector='OR'), name='objective_percentage_up_to_100'), models.CheckConstraint(condition=models.Q(models.Q(('indicator_kind', 'yes_no'), _negated=True), models.Q(('baseline__in', [0, 1]), ('target__in', [0, 1])), _connector='OR'), name='objective_yes_no_is_0_or_1')],
                    },
                ),
                migrations.CreateModel(
                    name='ProgressUpdate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(verbose_name='data')),
                        ('status', models.CharField(choices=[('not_started', 'non avviato'), ('in_progress', 'in corso'), ('achieved', 'raggiunto'), ('dropped', 'abbandonato')], max_length=12, verbose_name='stato')),
                        ('indicator_value', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name="valore dell'indicatore")),
                        ('progress', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='avanzamento (%)')),
                        ('note', models.TextField(blank=True, verbose_name='nota')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registrato il')),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='autore')),
                        ('objective', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='updates', to='tables.objective', verbose_name='obiettivo')),
                    ],
                    options={
                        'verbose_name': 'aggiornamento',
                        'verbose_name_plural': 'aggiornamenti',
                        'ordering': ['-date', '-pk'],
                        'indexes': [models.Index(fields=['objective', 'date'], name='progress_update_by_date')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('indicator_value__isnull', True), ('indicator_value__gte', 0), _connector='OR'), name='progress_update_value_not_negative'), models.CheckConstraint(condition=models.Q(('progress__isnull', True), models.Q(('progress__gte', 0), ('progress__lte', 100)), _connector='OR'), name='progress_update_progress_0_to_100')],
                    },
                ),
                migrations.CreateModel(
                    name='ObjectiveAction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='azione')),
                        ('proposal_id', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='proposta collegata')),
                        ('status', models.CharField(choices=[('not_started', 'non avviato'), ('in_progress', 'in corso'), ('achieved', 'raggiunto'), ('dropped', 'abbandonato')], default='not_started', max_length=12, verbose_name='stato')),
                        ('weight', models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)], verbose_name='peso')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='ordine')),
                        ('initiative', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='plan_actions', to='associations.initiativepage', verbose_name='iniziativa')),
                        ('objective', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='tables.objective', verbose_name='obiettivo')),
                        ('proposal_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype', verbose_name='tipo della proposta collegata')),
                    ],
                    options={
                        'verbose_name': "azione dell'obiettivo",
                        'verbose_name_plural': "azioni dell'obiettivo",
                        'ordering': ['order', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('weight__gte', 1), ('weight__lte', 100)), name='action_weight_1_to_100'), models.CheckConstraint(condition=models.Q(models.Q(('proposal_id__isnull', True), ('proposal_type__isnull', True)), models.Q(('proposal_id__isnull', False), ('proposal_type__isnull', False)), _connector='OR'), name='action_proposal_type_and_id_together')],
                    },
                ),
                migrations.CreateModel(
                    name='CoeditDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('proposal', 'testo della proposta'), ('minutes', 'verbale della riunione')], max_length=10, verbose_name='tipo')),
                        ('last_seq', models.PositiveBigIntegerField(default=0, verbose_name='ultimo aggiornamento')),
                        ('snapshot_seq', models.PositiveBigIntegerField(default=0, verbose_name="aggiornamenti nell'ultima istantanea")),
                        ('version_seq', models.PositiveBigIntegerField(default=0)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('meeting', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='minutes_document', to='tables.meeting')),
                        ('proposal', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='coedit_document', to='tables.proposal')),
                    ],
                    options={
                        'verbose_name': 'documento condiviso',
                        'verbose_name_plural': 'documenti condivisi',
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('kind', 'proposal'), ('meeting__isnull', True), ('proposal__isnull', False)), models.Q(('kind', 'minutes'), ('meeting__isnull', False), ('proposal__isnull', True)), _connector='OR'), name='tables_coedit_document_one_target'), models.CheckConstraint(condition=models.Q(('snapshot_seq__lte', models.F('last_seq'))), name='tables_coedit_snapshot_not_ahead')],
                    },
                ),
                migrations.CreateModel(
                    name='CoeditSnapshot',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.PositiveBigIntegerField()),
                        ('state', models.BinaryField()),
                        ('html', models.TextField()),
                        ('text', models.TextField()),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('document', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='snapshots', to='tables.coeditdocument')),
                    ],
                    options={
                        'verbose_name': 'istantanea del documento',
                        'verbose_name_plural': 'istantanee del documento',
                        'ordering': ['document', 'seq'],
                        'constraints': [models.UniqueConstraint(fields=('document', 'seq'), name='tables_coedit_snapshot_seq')],
                    },
                ),
                migrations.CreateModel(
                    name='CoeditUpdate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.PositiveBigIntegerField()),
                        ('data', models.BinaryField()),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('document', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='updates', to='tables.coeditdocument')),
                    ],
                    options={
                        'verbose_name': 'modifica del documento',
                        'verbose_name_plural': 'modifiche del documento',
                        'ordering': ['document', 'seq'],
                        'constraints': [models.UniqueConstraint(fields=('document', 'seq'), name='tables_coedit_update_seq'), models.CheckConstraint(condition=models.Q(('seq__gte', 1)), name='tables_coedit_update_from_one')],
                    },
                ),
                migrations.CreateModel(
                    name='Suggestion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('quote', models.TextField(verbose_name='passaggio citato')),
                        ('body', models.TextField(verbose_name='suggerimento')),
                        ('version_number', models.PositiveIntegerField(verbose_name='versione')),
                        ('status', models.CharField(choices=[('open', 'da valutare'), ('accepted', 'accolto'), ('dismissed', 'non accolto')], default='open', max_length=10, verbose_name='stato')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='suggestions', to='tables.proposal')),
                    ],
                    options={
                        'verbose_name': 'suggerimento',
                        'verbose_name_plural': 'suggerimenti',
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('decided_at__isnull', True), ('status', 'open')), models.Q(models.Q(('status', 'open'), _negated=True), ('decided_at__isnull', False)), _connector='OR'), name='tables_suggestion_decided_when_closed')],
                    },
                ),
            ],
        ),
    ]
