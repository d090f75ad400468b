"""The Q:/A: layout of an interview transcript: which paragraphs are questions, which answers. The
attribution stage reads the interviewee from it; the geocode stage reads the question an answer replies to.
"""
from __future__ import annotations

import re
from typing import Optional

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
# "Q:", "Q.", "Q -": a label, not the start of "A-Raqqa" or "Question marks remain"
_QUESTION = re.compile(r"\s*(?:Q|Question)\s*(?::|\.\s|[-–]\s)\s*")
_ANSWER = re.compile(r"\s*(?:A|Answer)\s*(?::|\.\s|[-–]\s)\s*")


def qa_blocks(body: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]],
                                  list[tuple[int, int]]]:
    """The Q:/A: layout of a text: question paragraphs (they start "Q:"), answers (without their "A:"
    label), answer paragraphs (with it), and the lead paragraphs before the first question."""
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(body) if body[m.start():m.end()].strip()]
    questions, answers, answer_paragraphs, lead = [], [], [], []
    seen_question = False
    for s, e in paragraphs:
        if _QUESTION.match(body, s):
            questions.append((s, e))
            seen_question = True
        elif seen_question:
            a = _ANSWER.match(body, s)
            answers.append((a.end() if a else s, e))
            answer_paragraphs.append((s, e))
        else:
            lead.append((s, e))
    return questions, answers, answer_paragraphs, lead


def governing_question(body: str, offset: int) -> Optional[tuple[int, int]]:
    """The question an answer at ``offset`` replies to (the last question paragraph before it), or None when
    ``offset`` is in no answer."""
    questions, _, answer_paragraphs, _ = qa_blocks(body)
    if not any(s <= offset < e for s, e in answer_paragraphs):
        return None
    before = [q for q in questions if q[1] <= offset]
    return before[-1] if before else None
