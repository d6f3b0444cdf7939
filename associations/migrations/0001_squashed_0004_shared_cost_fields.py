"""associations 0001–0004 in one migration.

Used on a database where none of them has run (a new one); where all of them have run it
counts as applied, and where only some have, Django runs the rest of them instead. The
models are created by one CreateModels operation (hub/migration_operations.py), with their
constraints and indexes, which `migrate` renders once instead of once per model and per
change. tests/hub/test_migrations.py checks that the two paths give the same models and that
a database migrated along the old chain migrates on.
"""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import hub.migration_operations
import hub.rich_text
import modelcluster.fields
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('associations', '0001_initial'),
        ('associations', '0002_joinrequest_decision_labels'),
        ('associations', '0003_decision_constraint_names'),
        ('associations', '0004_shared_cost_fields'),
    ]

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
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
                    name='Association',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='nome')),
                        ('slug', models.SlugField(max_length=200, unique=True, verbose_name='slug')),
                        ('kind', models.CharField(choices=[('associazione', 'associazione'), ('societa_sportiva', 'società sportiva'), ('gruppo_informale', 'gruppo informale'), ('scuola', 'scuola'), ('parrocchia', 'parrocchia'), ('cooperativa', 'cooperativa'), ('ente_pubblico', 'ente pubblico')], max_length=30, verbose_name='tipo')),
                        ('description', models.TextField(blank=True, verbose_name='descrizione')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                        ('phone', models.CharField(blank=True, max_length=40, verbose_name='telefono')),
                        ('website', models.URLField(blank=True, verbose_name='sito web')),
                        ('trusted', models.BooleanField(default=False, help_text='Le associazioni di fiducia pubblicano direttamente; le altre passano dalla revisione dello staff della rete.', verbose_name='pubblica senza revisione')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='creata il')),
                        ('areas', models.ManyToManyField(related_name='associations', to='hub.area', verbose_name='aree')),
                        ('collection', models.OneToOneField(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='association', to='wagtailcore.collection')),
                        ('group', models.OneToOneField(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='association', to='auth.group')),
                        ('municipalities', models.ManyToManyField(related_name='associations', to='hub.municipality', verbose_name='comuni serviti')),
                        ('network', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='associations', to='hub.network', verbose_name='rete')),
                    ],
                    options={
                        'verbose_name': 'associazione',
                        'verbose_name_plural': 'associazioni',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='AssociationApiToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80, verbose_name='nome')),
                        ('key_hash', models.CharField(editable=False, max_length=64, unique=True)),
                        ('prefix', models.CharField(editable=False, max_length=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('last_used_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('association', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to='associations.association')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': "token API dell'associazione",
                        'verbose_name_plural': 'token API delle associazioni',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='AssociationIndexPage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('intro', hub.rich_text.SanitizedRichTextField(blank=True, verbose_name='introduzione')),
                        ('network', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='association_index', to='hub.network', verbose_name='rete')),
                    ],
                    options={
                        'verbose_name': 'elenco delle associazioni della rete',
                    },
                    bases=('wagtailcore.page',),
                ),
                migrations.CreateModel(
                    name='AssociationPage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('intro', models.TextField(blank=True, max_length=400, verbose_name='presentazione breve')),
                        ('body', wagtail.fields.StreamField([('paragraph', 0), ('image', 1), ('document', 2), ('embed', 3), ('call_to_action', 6)], blank=True, block_lookup={0: ('hub.rich_text.SanitizedRichTextBlock', (), {'features': ['h2', 'h3', 'bold', 'italic', 'ol', 'ul', 'link', 'document-link'], 'label': 'Testo'}), 1: ('wagtail.images.blocks.ImageBlock', [], {'label': 'Immagine'}), 2: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': 'Documento'}), 3: ('wagtail.embeds.blocks.EmbedBlock', (), {'label': 'Video o contenuto incorporato', 'max_width': 800}), 4: ('wagtail.blocks.CharBlock', (), {'label': 'Testo del pulsante', 'max_length': 60}), 5: ('wagtail.blocks.URLBlock', (), {'label': 'Collegamento'}), 6: ('wagtail.blocks.StructBlock', [[('text', 4), ('url', 5)]], {})}, verbose_name='contenuto')),
                        ('association', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='page', to='associations.association', verbose_name='associazione')),
                        ('logo', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image', verbose_name='logo')),
                    ],
                    options={
                        'verbose_name': "pagina dell'associazione",
                    },
                    bases=('wagtailcore.page',),
                ),
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail')),
                        ('role', models.CharField(choices=[('admin', 'amministratore'), ('editor', 'redattore')], default='editor', max_length=10, verbose_name='ruolo')),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('expires_at', models.DateTimeField()),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('association', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='associations.association')),
                        ('invited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'invito',
                        'verbose_name_plural': 'inviti',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='AssociationMembership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('admin', 'amministratore'), ('editor', 'redattore')], default='editor', max_length=10, verbose_name='ruolo')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('association', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='associations.association')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='association_memberships', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': "redattore dell'associazione",
                        'verbose_name_plural': "redattori dell'associazione",
                        'constraints': [models.UniqueConstraint(fields=('association', 'user'), name='one_membership_per_user')],
                    },
                ),
                migrations.CreateModel(
                    name='Follow',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('association', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follows', to='associations.association')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follows', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'associazione seguita',
                        'verbose_name_plural': 'associazioni seguite',
                        'constraints': [models.UniqueConstraint(fields=('user', 'association'), name='follow_once')],
                    },
                ),
                migrations.CreateModel(
                    name='InitiativePage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('is_free', models.BooleanField(default=True, verbose_name='gratis')),
                        ('cost', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='costo (€)')),
                        ('cost_note', models.CharField(blank=True, max_length=200, verbose_name='note sul costo')),
                        ('summary', models.TextField(max_length=400, verbose_name='in breve')),
                        ('frequency', models.CharField(choices=[('once', 'una tantum'), ('weekly', 'settimanale'), ('monthly', 'mensile'), ('seasonal', 'stagionale'), ('ongoing', 'continuativa')], default='ongoing', max_length=10, verbose_name='frequenza')),
                        ('period_start', models.DateField(blank=True, null=True, verbose_name='dal')),
                        ('period_end', models.DateField(blank=True, null=True, verbose_name='al')),
                        ('place', models.CharField(blank=True, max_length=200, verbose_name='luogo')),
                        ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail di contatto')),
                        ('contact_phone', models.CharField(blank=True, max_length=40, verbose_name='telefono di contatto')),
                        ('good_practice', models.BooleanField(default=False, verbose_name='buona pratica')),
                        ('body', wagtail.fields.StreamField([('paragraph', 0), ('image', 1), ('document', 2), ('embed', 3), ('call_to_action', 6)], blank=True, block_lookup={0: ('hub.rich_text.SanitizedRichTextBlock', (), {'features': ['h2', 'h3', 'bold', 'italic', 'ol', 'ul', 'link', 'document-link'], 'label': 'Testo'}), 1: ('wagtail.images.blocks.ImageBlock', [], {'label': 'Immagine'}), 2: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': 'Documento'}), 3: ('wagtail.embeds.blocks.EmbedBlock', (), {'label': 'Video o contenuto incorporato', 'max_width': 800}), 4: ('wagtail.blocks.CharBlock', (), {'label': 'Testo del pulsante', 'max_length': 60}), 5: ('wagtail.blocks.URLBlock', (), {'label': 'Collegamento'}), 6: ('wagtail.blocks.StructBlock', [[('text', 4), ('url', 5)]], {})}, verbose_name='descrizione')),
                        ('age_bands', modelcluster.fields.ParentalManyToManyField(blank=True, related_name='initiatives', to='hub.ageband', verbose_name="fasce d'età")),
                        ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='initiatives', to='hub.area', verbose_name='area')),
                        ('municipalities', modelcluster.fields.ParentalManyToManyField(related_name='initiatives', to='hub.municipality', verbose_name='comuni')),
                    ],
                    options={
                        'verbose_name': 'iniziativa',
                        'verbose_name_plural': 'iniziative',
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('cost__isnull', True), ('is_free', True)), ('is_free', False), _connector='OR'), name='associations_initiativepage_free_has_no_cost'), models.CheckConstraint(condition=models.Q(('period_start__isnull', True), ('period_end__isnull', True), ('period_start__lte', models.F('period_end')), _connector='OR'), name='initiative_period_in_order')],
                    },
                    bases=('wagtailcore.page', models.Model),
                ),
                migrations.CreateModel(
                    name='JoinRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('pending', 'in attesa'), ('approved', 'approvata'), ('rejected', 'respinta')], default='pending', max_length=10, verbose_name='stato')),
                        ('decision_reason', models.TextField(blank=True, verbose_name='motivazione')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decisa il')),
                        ('name', models.CharField(max_length=200, verbose_name='nome del gruppo')),
                        ('kind', models.CharField(choices=[('associazione', 'associazione'), ('societa_sportiva', 'società sportiva'), ('gruppo_informale', 'gruppo informale'), ('scuola', 'scuola'), ('parrocchia', 'parrocchia'), ('cooperativa', 'cooperativa'), ('ente_pubblico', 'ente pubblico')], max_length=30, verbose_name='tipo')),
                        ('description', models.TextField(max_length=2000, verbose_name='di cosa vi occupate')),
                        ('contact_name', models.CharField(max_length=150, verbose_name='persona di riferimento')),
                        ('contact_email', models.EmailField(max_length=254, verbose_name='e-mail di contatto')),
                        ('contact_phone', models.CharField(blank=True, max_length=40, verbose_name='telefono')),
                        ('website', models.URLField(blank=True, verbose_name='sito web')),
                        ('editor_email', models.EmailField(help_text="Riceverà l'invito a gestire le pagine dell'associazione.", max_length=254, verbose_name='e-mail del primo redattore')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='ricevuta il')),
                        ('areas', models.ManyToManyField(related_name='join_requests', to='hub.area', verbose_name='aree')),
                        ('association', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='join_request', to='associations.association', verbose_name='associazione creata')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decisa da')),
                        ('municipalities', models.ManyToManyField(related_name='join_requests', to='hub.municipality', verbose_name='comuni serviti')),
                        ('network', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='join_requests', to='hub.network', verbose_name='rete')),
                    ],
                    options={
                        'verbose_name': 'richiesta di adesione',
                        'verbose_name_plural': 'richieste di adesione',
                        'ordering': ['-created_at'],
                        'abstract': False,
                        'indexes': [models.Index(django.db.models.functions.text.Lower('name'), name='joinrequest_lower_name')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'rejected'), _negated=True), models.Q(('decision_reason', ''), _negated=True), _connector='OR'), name='associations_joinrequest_rejection_has_a_reason')],
                    },
                ),
            ],
        ),
    ]
