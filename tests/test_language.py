"""The language guess behind W317: clear non-English text is told, English reporting never is."""
from __future__ import annotations

import pytest

from eventcoder.language import not_english

# The same report (our own sentences) in the languages the guess knows, and in two other scripts.
FOREIGN = {
    "Arabic": (
        "قصفت قوات النظام يوم الاثنين أحياء سكنية في دوما ما أدى إلى مقتل أربعة مدنيين بحسب مرصد محلي. واشتبك "
        "مقاتلون من المعارضة مع القوات الحكومية قرب حمص يوم الثلاثاء. ولا يزال الوضع في المنطقة متوترا "
        "والمدارس مغلقة منذ بداية الأسبوع بحسب مسؤول طلب عدم ذكر اسمه."
    ),
    "German": (
        "Die Truppen des Regimes haben am Montag Wohngebiete in Duma beschossen und dabei vier Zivilisten "
        "getötet, wie eine örtliche Beobachtungsstelle mitteilte. Rebellen lieferten sich am Dienstag in der "
        "Nähe von Homs Gefechte mit den Regierungstruppen. Die Lage in der Region ist weiterhin angespannt "
        "und die Schulen sind seit Beginn der Woche geschlossen, sagte ein Beamter, der nicht genannt werden "
        "wollte."
    ),
    "Spanish": (
        "Las fuerzas del régimen bombardearon el lunes zonas residenciales de Duma y mataron a cuatro "
        "civiles, según un observatorio local. Los rebeldes se enfrentaron con las fuerzas del gobierno cerca "
        "de Homs el martes. La situación en la zona sigue siendo tensa y las escuelas permanecen cerradas "
        "desde el comienzo de la semana, dijo un funcionario que pidió no ser identificado."
    ),
    "French": (
        "Les forces du régime ont bombardé lundi des quartiers résidentiels de Douma, tuant quatre civils, "
        "selon un observatoire local. Des rebelles se sont affrontés avec les forces gouvernementales près de "
        "Homs mardi. La situation dans la région reste tendue et les écoles sont fermées depuis le début de "
        "la semaine, a indiqué un responsable qui a demandé à ne pas être nommé."
    ),
    "Indonesian": (
        "Pasukan rezim menembaki kawasan permukiman di Douma pada hari Senin dan menewaskan empat warga "
        "sipil, menurut sebuah lembaga pemantau setempat. Para pemberontak bentrok dengan pasukan pemerintah "
        "di dekat Homs pada hari Selasa. Situasi di daerah itu masih tegang dan sekolah-sekolah telah ditutup "
        "sejak awal minggu ini, kata seorang pejabat yang tidak mau disebutkan namanya."
    ),
    "Portuguese": (
        "As forças do regime bombardearam na segunda-feira áreas residenciais de Duma, matando quatro civis, "
        "segundo um observatório local. Os rebeldes entraram em confronto com as forças do governo perto de "
        "Homs na terça-feira. A situação na região continua tensa e as escolas estão fechadas desde o início "
        "da semana, disse um funcionário que pediu para não ser identificado."
    ),
    "Cyrillic": (
        "Правительственные войска в понедельник обстреляли жилые кварталы Думы, в результате чего погибли "
        "четыре мирных жителя, сообщил местный наблюдательный центр. Во вторник повстанцы вступили в бой с "
        "правительственными силами недалеко от Хомса. Обстановка в районе остается напряженной, школы закрыты "
        "с начала недели, сообщил чиновник, попросивший не называть его имени."
    ),
    "Swahili": (
        "Vikosi vya serikali vilishambulia maeneo ya makazi ya Douma siku ya Jumatatu na kuua raia wanne, kwa "
        "mujibu wa kituo cha uchunguzi cha eneo hilo. Waasi walipigana na vikosi vya serikali karibu na Homs "
        "siku ya Jumanne. Hali katika eneo hilo bado ni tete na shule zimefungwa tangu mwanzo wa wiki, "
        "alisema afisa mmoja ambaye hakutaka kutajwa jina."
    ),
}
GOOD = ("Regime forces shelled residential areas of Douma on Monday, killing four civilians, a local monitor said. "
        "Rebels clashed with regime forces near Homs on Tuesday.")


@pytest.mark.parametrize("language", sorted(FOREIGN))
def test_another_language_is_named(language):
    assert language in not_english(FOREIGN[language])


def test_english_reporting_is_english(samples_dir):
    texts = [p.read_text(encoding="utf-8") for p in sorted(samples_dir.glob("*.txt"))]
    assert len(texts) >= 5
    for text in texts + [GOOD * 3]:
        assert not_english(text) is None, text[:80]


@pytest.mark.parametrize("text", [
    "Fighting near Wa, Shan State: the Wa State Army and the army clashed in Wa and near Mong La. " * 3,  # "wa"
    "Douma Homs Aleppo Idlib Hama Raqqa Deir ez-Zor Daraa Latakia Tartus Qamishli Manbij Afrin " * 3,  # names
    "D\u0301\u0301ouma " * 300,  # one word, many marks
    "Rebels shelled Douma. " + FOREIGN["Arabic"][:40],  # a quote in another script
    "Le Monde reported that regime forces shelled Douma on Monday, killing four civilians. " * 2,  # one name
    "Too short to tell: la guerre",
])
def test_what_cannot_be_told_is_taken_for_english(text):
    assert not_english(text) is None
