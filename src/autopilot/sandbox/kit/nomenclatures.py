"""Lists offered by the replicas' selects. Option values are the texts shown.

The real pré-demande offers the full INSEE country list; this shorter list keeps France first and
the countries most often seen at a mairie's desk, then the others alphabetically. [?]
"""

from __future__ import annotations

PAYS = [
    "France",
    "Afghanistan", "Afrique du Sud", "Albanie", "Algérie", "Allemagne", "Angola", "Arabie saoudite",
    "Argentine", "Arménie", "Australie", "Autriche", "Belgique", "Bénin", "Bolivie",
    "Bosnie-Herzégovine", "Brésil", "Bulgarie", "Burkina Faso", "Burundi", "Cambodge", "Cameroun",
    "Canada", "Cap-Vert", "Centrafrique", "Chili", "Chine", "Colombie", "Comores", "Congo",
    "Congo (République démocratique)", "Corée du Sud", "Côte d'Ivoire", "Croatie", "Cuba",
    "Danemark", "Djibouti", "Égypte", "Espagne", "États-Unis", "Éthiopie", "Gabon", "Géorgie",
    "Ghana", "Grèce", "Guinée", "Haïti", "Hongrie", "Inde", "Irak", "Iran", "Irlande", "Italie",
    "Japon", "Kosovo", "Laos", "Liban", "Libye", "Luxembourg", "Madagascar", "Mali", "Maroc",
    "Maurice", "Mauritanie", "Mexique", "Monaco", "Niger", "Nigeria", "Pakistan", "Pays-Bas",
    "Pérou", "Pologne", "Portugal", "Roumanie", "Royaume-Uni", "Russie", "Rwanda", "Sénégal",
    "Serbie", "Sri Lanka", "Suède", "Suisse", "Syrie", "Tchad", "Thaïlande", "Togo", "Tunisie",
    "Turquie", "Ukraine", "Viêt Nam",
]

NATIONALITES = [
    "Française",
    "Algérienne", "Allemande", "Américaine", "Belge", "Britannique", "Camerounaise", "Chinoise",
    "Comorienne", "Congolaise", "Espagnole", "Haïtienne", "Italienne", "Ivoirienne", "Malienne",
    "Marocaine", "Polonaise", "Portugaise", "Roumaine", "Russe", "Sénégalaise", "Suisse",
    "Tunisienne", "Turque", "Ukrainienne", "Vietnamienne", "Autre nationalité",
]

COULEURS_YEUX = ["Bleus", "Verts", "Marron", "Noirs", "Gris", "Noisette", "Vairons", "Autre"]
