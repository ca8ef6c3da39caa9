"""The user's query language, parsed without ever raising on ordinary input.

    rdv gare                   natural query: every word is optional, BM25 ranks (stop words dropped)
    garde AND vue              AND makes both sides required; OR keeps them optional
    NOT mineur, -mineur        excluded;  +cannabis  required
    "garde à vue"              phrase
    titre:audition             field search (titre/title, chemin/path, type/kind, texte/text)
    HADAD~1                    fuzzy (edit distance 1 or 2)
    prolong*  vé?icule         wildcards
    (a OR b) AND c             groups

Anything the grammar does not understand (a lone quote, a dangling AND, a colon in a time "14:30") is read
as plain words, never as an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Occur = Literal["must", "should", "must_not"]

FIELD_ALIASES = {
    "titre": "title",
    "title": "title",
    "chemin": "path",
    "path": "path",
    "type": "kind",
    "kind": "kind",
    "texte": "text",
    "text": "text",
}


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    field: str | None = None
    fuzzy: int = 0
    wildcard: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Group:
    clauses: tuple[tuple[Occur, Node], ...] = field(default_factory=tuple)


Node = Term | Phrase | Group

_TOKEN = re.compile(
    r"""
    (?P<lparen>\()|(?P<rparen>\))
    |(?P<field>[A-Za-zé]+):(?=\S)
    |(?P<phrase>"[^"]*")
    |(?P<word>[^\s()"]+)
    |(?P<quote>")
    """,
    re.VERBOSE,
)
_FUZZY = re.compile(r"^(?P<w>.+?)~(?P<d>[12]?)$")


@dataclass
class _Tok:
    kind: str
    value: str


def _lex(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "word"
        value = m.group(0)
        if kind == "field" and value[:-1].lower() not in FIELD_ALIASES:
            kind = "word"  # "14:30", "http://…" and unknown prefixes stay words
            value = m.group(0)
        if kind == "quote":
            continue  # an unbalanced quote is ignored
        tokens.append(_Tok(kind, value))
    # merge a word split by an unknown "x:" prefix back with what follows ("14:" + "30")
    merged: list[_Tok] = []
    for tok in tokens:
        if merged and merged[-1].kind == "word" and merged[-1].value.endswith(":") and tok.kind == "word":
            merged[-1] = _Tok("word", merged[-1].value + tok.value)
        else:
            merged.append(tok)
    return merged


class _Parser:
    def __init__(self, tokens: list[_Tok]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def group(self, depth: int = 0) -> Group:
        items: list[tuple[Occur, Node]] = []
        pending_and = False
        while (tok := self.peek()) is not None:
            if tok.kind == "rparen":
                if depth > 0:
                    self.take()
                    break
                self.take()  # stray ")" is ignored
                continue
            if tok.kind == "word" and tok.value == "AND":
                self.take()
                if items and items[-1][0] == "should":
                    items[-1] = ("must", items[-1][1])
                    pending_and = True
                continue
            if tok.kind == "word" and tok.value == "OR":
                self.take()
                pending_and = False
                continue
            occur: Occur = "must" if pending_and else "should"
            pending_and = False
            if tok.kind == "word" and tok.value == "NOT":
                self.take()
                occur = "must_not"
                if self.peek() is None:
                    break
            atom = self.atom(depth)
            if atom is None:
                continue
            node, signed = _signed(atom, occur)
            items.append((signed, node))
        return Group(tuple(items))

    def atom(self, depth: int) -> Node | None:
        tok = self.take()
        if tok.kind == "lparen":
            return self.group(depth + 1)
        if tok.kind == "phrase":
            inner = tok.value[1:-1].strip()
            return Phrase(inner) if inner else None
        if tok.kind == "field":
            name = FIELD_ALIASES[tok.value[:-1].lower()]
            nxt = self.peek()
            if nxt is None:
                return None
            value = self.take()
            if value.kind == "phrase":
                return Phrase(value.value[1:-1].strip(), field=name)
            if value.kind == "word":
                return _word(value.value, name)
            self.pos -= 1
            return None
        return _word(tok.value, None)


def _signed(node: Node, occur: Occur) -> tuple[Node, Occur]:
    if isinstance(node, Term) and len(node.text) > 1 and node.text[0] in "+-":
        sign, rest = node.text[0], node.text[1:]
        return Term(rest, node.field, node.fuzzy, node.wildcard), ("must" if sign == "+" else "must_not")
    return node, occur


def _word(value: str, field_name: str | None) -> Term:
    m = _FUZZY.match(value)
    if m and m.group("w").strip("+-"):
        return Term(m.group("w"), field_name, fuzzy=int(m.group("d") or 1))
    # "?" ends many natural questions ("qui est le père de John?"): it is a wildcard only inside a word
    stem = value.rstrip("?!.,;:")
    wildcard = ("*" in stem or "?" in stem) and stem.strip("*?+-") != ""
    return Term(value, field_name, wildcard=wildcard)


def parse(text: str) -> Group:
    """Parse a user query; never raises."""
    return _Parser(_lex(text)).group()


def is_natural(group: Group) -> bool:
    """True for a plain list of optional words (no operator, phrase, field, fuzzy or wildcard)."""
    return all(
        occur == "should" and isinstance(node, Term) and node.field is None and not node.fuzzy and not node.wildcard
        for occur, node in group.clauses
    )


# Common French function words, dropped from natural queries (kept in the index, so phrases still match).
STOP_WORDS = frozenset(
    """
    a à afin ai aie aient ait alors as au aucun aucune aupres auquel aussi autre autres aux auxquels
    avaient avais avait avant avec avez aviez avions avoir avons ayant c ça car ce ceci cela celle
    celles celui cependant ces cet cette ceux chaque chez ci comme comment d dans de des desquels dont
    du duquel elle elles en encore est et etaient etais etait etant ete etes etions etre eu eux fait fut
    ici il ils j je jusqu l la laquelle le lequel les lesquels leur leurs lors lorsqu lui m ma mais me
    meme memes mes moi mon n ne ni nos notre nous on ont ou où par parce pas peu peut plus pour pourquoi
    puis qu quand que quel quelle quelles quels qui quoi s sa sans se sera seront ses si sien soi soit
    sommes son sont sous suis sur t ta te tes toi ton tous tout toute toutes tres trop tu un une unes
    uns vers voici voila vos votre vous y était étaient étais était étant été êtes être très déjà après
    auprès même mêmes
    """.split()  # noqa: SIM905
)
