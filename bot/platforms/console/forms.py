"""Filling a Form at the prompt, one field at a time, re-asking only what is wrong."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from bot.core.forms import HERE, FieldKind, FieldValue, Form, FormField
from bot.core.words import counted
from bot.platforms.console.parsing import CHANNEL_NAME, user_name
from bot.platforms.console.screen import Screen

END_OF_TEXT = "."
CLEAR = "-"  # empties an optional field that holds a value
YES = frozenset({"y", "yes", "true", "on", "1"})
NO = frozenset({"n", "no", "false", "off", "0"})
INDENT = "  "


class FieldAnswerError(ValueError):
    """An answer that does not fit the field's kind (a bad option number, not y/n)."""


def parse_answer(item: FormField, answer: str) -> FieldValue:
    """One typed line as the field's value; None means no answer."""
    answer = answer.strip()
    if answer == CLEAR and not item.required and item.kind is not FieldKind.CHECKBOX:
        return None
    if not answer:
        if item.initial is None:
            return None
        answer = item.initial
    match item.kind:
        case FieldKind.SELECT:
            return _option(item, answer)
        case FieldKind.MULTISELECT:
            return _each(value for part in _choices(item, answer)
                         for value in _options(item, part))
        case FieldKind.CHANNEL:
            return _channel(item, answer)
        case FieldKind.PEOPLE:
            return _each(_person(item, part) for part in _parts(answer))
        case FieldKind.CHECKBOX:
            if answer.lower() in YES:
                return True
            if answer.lower() in NO:
                return False
            raise FieldAnswerError(f"Answer y or n for {item.label}.")
    return answer


def _option(item: FormField, answer: str) -> str:
    """An option by number, by value or label in any case, by a word that begins with one
    (`Monday` for `Mon`), or by the start of just one (`n` for No)."""
    if answer.isdigit() and 1 <= int(answer) <= len(item.options):
        return item.options[int(answer) - 1].value
    word = answer.lower()
    for option in item.options:
        if word in {option.value.lower(), option.label.lower()}:
            return option.value
    starting = [option.value for option in item.options
                if word.startswith((option.value.lower(), option.label.lower()))]
    if len(starting) == 1:
        return starting[0]
    # The start of one option only (`n` for No, `am` for Amber).
    begun = [option.value for option in item.options
             if option.value.lower().startswith(word) or option.label.lower().startswith(word)]
    if len(begun) == 1:
        return begun[0]
    names = ", ".join(option.label for option in item.options)
    raise FieldAnswerError(f"'{answer}' is not one of the options for {item.label}: answer "
                           f"with numbers from 1 to {len(item.options)} or names ({names}).")


def _options(item: FormField, part: str) -> list[str]:
    """One item of a multiple choice: an option, a range of them (`mon-fri`, in the order
    listed, wrapping round), or a shorthand the field names (`weekdays`)."""
    for word, values in item.shorthands:
        if part.lower() == word:
            return list(values)
    first, dash, last = part.partition("-")
    if not dash or not first or not last:
        return [_option(item, part)]
    values = [option.value for option in item.options]
    start, end = values.index(_option(item, first)), values.index(_option(item, last))
    span = range(start, end + 1) if start <= end else [*range(start, len(values)),
                                                       *range(0, end + 1)]
    return [values[index] for index in span]


def _choices(item: FormField, answer: str) -> list[str]:
    """The items of a multiple choice: split at commas, and at spaces only when no option
    holds one (so "Contoso Ltd, O'Neil Systems" names two partners, "mon wed" two days)."""
    if any(" " in option.label or " " in option.value for option in item.options):
        return [part.strip() for part in answer.split(",") if part.strip()]
    return _parts(answer)


def _parts(answer: str) -> list[str]:
    """The items of an answer, separated by commas or spaces."""
    return [part for part in answer.replace(",", " ").split() if part]


def _each(values: Iterable[str]) -> list[str] | None:
    """Each value once, in order; None when there is none."""
    return list(dict.fromkeys(values)) or None


def _channel(item: FormField, answer: str) -> str:
    """`#name` (the console channel id is its name) or `here` (bot.core.forms.HERE)."""
    if answer.lower() == HERE:
        return HERE
    name = answer.lower().removeprefix("#")
    if not CHANNEL_NAME.fullmatch(name):
        raise FieldAnswerError(f"Answer with a channel such as #sales, or 'here', for "
                               f"{item.label}.")
    return name


def _person(item: FormField, answer: str) -> str:
    """A console user name (what `:as` takes), which is the console's user id."""
    name = user_name(answer)
    if not name:
        raise FieldAnswerError(f"{answer!r} is not a user name; answer with names separated "
                               f"by commas for {item.label}, e.g. ana, bob.")
    return name


HOW_TO_ANSWER = {
    FieldKind.NUMBER: "a number, such as 3 or 2.5",
    FieldKind.CHECKBOX: "y/n",
    FieldKind.MULTILINE: f"several lines; finish with a line holding only '{END_OF_TEXT}'",
    FieldKind.MULTISELECT: "one or more: numbers or names, separated by commas",
    FieldKind.CHANNEL: "a #channel, or 'here' for this conversation",
    FieldKind.PEOPLE: "user names separated by commas, e.g. ana, bob",
}


def _shown(item: FormField, value: str) -> str:
    """A field's value as the person would type or pick it (labels, not option values)."""
    if item.kind is FieldKind.CHECKBOX:
        return "y" if value.lower() in YES else "n"
    if item.kind is FieldKind.CHANNEL:  # a console channel's id is its name
        return value if value.lower() == HERE else f"#{value}"
    labels = {option.value: option.label for option in item.options}
    if item.kind in (FieldKind.MULTISELECT, FieldKind.PEOPLE):
        return ", ".join(labels.get(part, part) for part in _parts(value))
    return labels.get(value, value)


def question_lines(item: FormField, number: int, total: int) -> list[str]:
    """How a field is asked: label, what kind of answer, options, what Enter does, hints."""
    extras = [HOW_TO_ANSWER[item.kind]] if item.kind in HOW_TO_ANSWER else []
    kept: list[str] = []
    if not item.initial:
        if not item.required:
            extras.append("optional: Enter skips")
    elif item.kind is FieldKind.MULTILINE:
        kept = item.initial.splitlines()
        extras.append(f"Enter keeps the {counted(len(kept), 'line')} below"
                      + ("" if item.required else f", '{CLEAR}' clears them"))
    else:
        clears = not item.required and item.kind is not FieldKind.CHECKBOX
        extras.append(f"Enter keeps '{_shown(item, item.initial)}'"
                      + (f", '{CLEAR}' clears it" if clears else ""))
    suffix = f" ({'; '.join(extras)})" if extras else ""
    lines = [f"[{number}/{total}] {item.label}{suffix}"]
    lines.extend(f"{INDENT}| {line}" for line in kept)
    lines.extend(f"{INDENT}{index}. {option.label}"
                 for index, option in enumerate(item.options, start=1))
    if item.hint:
        lines.append(f"{INDENT}{item.hint}")
    if item.placeholder:
        lines.append(f"{INDENT}e.g. {item.placeholder}")
    return lines


class FormFiller:
    """The state of one form being filled: feed it lines until it hands back the values."""

    def __init__(self, form: Form, screen: Screen) -> None:
        self.form = form
        self._screen = screen
        # A form shown again asks only the fields with problems; the rest keep what was typed.
        again = [item for item in form.fields if item.id in form.problems]
        self._pending: deque[FormField] = deque(again or form.fields)
        self._values: dict[str, FieldValue] = {}
        if again:
            for item in form.fields:
                if item.id not in form.problems and \
                        (kept := parse_answer(item, "")) is not None:
                    self._values[item.id] = kept
        self._lines: list[str] | None = None  # a MULTILINE answer being collected

    def start(self) -> dict[str, FieldValue] | None:
        """Introduce the form and ask the first field; a form without fields is done at once."""
        count = len(self._pending)
        if not count:
            return {}
        plural = "s" if count != 1 else ""
        if self.form.problems:
            self._screen.line(f"(only you) bot: {self.form.title} - {count} field{plural} to "
                              "fix, the rest kept as you typed them; :cancel abandons it.")
            for item in self._pending:
                self._say_problem(self.form.problems[item.id])
        else:
            self._screen.line(f"(only you) bot: {self.form.title} - {count} field{plural}; "
                              ":cancel abandons it.")
        self._ask()
        return None

    @property
    def prompt(self) -> str:
        """The prompt for the next line (shown on a terminal only)."""
        return "  . " if self._lines is not None else "  > "

    def repeat(self) -> None:
        """Ask the current field again (after a line that was not an answer)."""
        self._ask()

    def _ask(self) -> None:
        item = self._pending[0]
        number = self.form.fields.index(item) + 1
        for text in question_lines(item, number, len(self.form.fields)):
            self._screen.line(INDENT + text)

    def _say_problem(self, message: str) -> None:
        self._screen.line(f"{INDENT}! {message}")

    def feed(self, line: str) -> dict[str, FieldValue] | None:
        """Take one typed line; the values once every field is answered and valid."""
        item = self._pending[0]
        if item.kind is FieldKind.MULTILINE:
            if self._lines is None and line.strip() not in ("", END_OF_TEXT, CLEAR):
                self._lines = [line.rstrip()]
                return None
            if self._lines is not None and line.strip() != END_OF_TEXT:
                self._lines.append(line.rstrip())
                return None
            typed = "\n".join(self._lines).strip() if self._lines is not None \
                else line.strip().removesuffix(END_OF_TEXT)
            self._lines = None
            value = parse_answer(item, typed)
        else:
            try:
                value = parse_answer(item, line)
            except FieldAnswerError as error:
                self._say_problem(str(error))
                self._ask()
                return None
        return self._accept(item, value)

    def _accept(self, item: FormField, value: FieldValue) -> dict[str, FieldValue] | None:
        if value is None:
            self._values.pop(item.id, None)
        else:
            self._values[item.id] = value
        problem = self.form.errors(self._values).get(item.id)
        if problem:
            self._say_problem(problem)
            if item.kind is FieldKind.MULTILINE and isinstance(value, str):
                # A terminal cannot edit lines: what was typed is shown to copy and fix.
                self._screen.line(f"{INDENT}You typed (fix it and type the lines again):")
                for typed in value.splitlines():
                    self._screen.line(f"{INDENT * 2}| {typed}")
            self._ask()
            return None
        self._pending.popleft()
        if not self._pending:
            problems = self.form.errors(self._values)
            if not problems:
                return dict(self._values)
            for field_id, message in problems.items():
                self._say_problem(message)
                self._pending.append(self.form.field(field_id))
        self._ask()
        return None
