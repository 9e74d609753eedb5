# cython: language_level=3, boundscheck=False, wraparound=False
"""processes/calls/queue_log.py's fold_run compiled (Cython): the same rules, line by line, reading each line's fields
in place in its UTF-8 text instead of splitting it into strings, so that a year of a busy centre (500,000 lines) folds
in about the time of a bare split. queue_log.py uses it when it is built (scripts/setup builds it) and keeps its own
loop as the reference: tests/test_calls_fold_compiled.py gives both the same lines (every fixture, the benchmark's
year and random lines, bad ones among them) and compares everything they leave in the fold.

Anything but the plain case (a time or a number that is not plain ASCII digits, an event name in other letters, a
line that is not valid UTF-8) is handed to the same Python operations the reference uses, so both agree on it."""
from cpython.ref cimport PyObject
from libc.string cimport memchr, memcmp, memcpy

from processes.calls import queue_log as reference

cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8AndSize(object text, Py_ssize_t *size) except NULL
    object PyUnicode_DecodeUTF8(const char *s, Py_ssize_t size, const char *errors)
    double PyOS_string_to_double(const char *s, char **endptr, PyObject *overflow_exception) except? -1.0

cdef enum:
    MAX_FIELDS = 10         # fields past the tenth are never read
    NUMBER_BUFFER = 64

cdef int ENTER = reference._ENTER, CONNECT = reference._CONNECT, COMPLETE = reference._COMPLETE
cdef int TRANSFER = reference._TRANSFER, GIVE_UP = reference._GIVE_UP, LOGIN = reference._LOGIN
cdef int PAUSE = reference._PAUSE, UNPAUSE = reference._UNPAUSE, LOGOFF = reference._LOGOFF
cdef double LATEST_TIME = reference.LATEST_TIME
cdef Py_ssize_t ACW_S = reference.ACW_S, ENDED_AT = reference.ENDED_AT, ENTERED_AT = reference.ENTERED_AT
cdef Py_ssize_t ANSWERED_AT = reference.ANSWERED_AT, QUEUE = reference.QUEUE, CALLER = reference.CALLER
cdef Py_ssize_t AGENT = reference.AGENT, WAIT_S = reference.WAIT_S, TALK_S = reference.TALK_S
cdef Py_ssize_t OUTCOME = reference.OUTCOME, TRANSFERRED = reference.TRANSFERRED
cdef object ANSWERED = reference.ANSWERED
cdef object ACW_REASON = reference.ACW_REASON
cdef object FEW_FIELDS = reference.FEW_FIELDS, NOT_A_TIME = reference.NOT_A_TIME, NO_EVENT = reference.NO_EVENT
cdef object MalformedLine = reference.MalformedLine
cdef object python_number = reference._number
cdef object python_in_range = reference._in_range
cdef object UNSEEN = reference._UNSEEN
cdef dict KINDS = reference._KINDS
cdef dict GIVE_UPS = reference.GIVE_UPS
cdef double WITHIN = reference.ACW_AFTER_CALL_WITHIN

# The event names as UTF-8, for comparing a line's event field in place (built from queue_log's own table).
cdef list _names = [name.encode("utf-8") for name in KINDS]
cdef list _name_kinds = [KINDS[name] for name in KINDS]
cdef Py_ssize_t _name_count = len(_names)


cdef inline int _kind_of(const char *s, Py_ssize_t length):
    """The event's kind when the field is exactly one of the names; -1 otherwise."""
    cdef Py_ssize_t i
    cdef bytes name
    for i in range(_name_count):
        name = <bytes>_names[i]
        if len(name) == length and memcmp(<const char*>name, s, length) == 0:
            return <int>_name_kinds[i]
    return -1


cdef inline bint _all_digits(const char *s, Py_ssize_t length):
    cdef Py_ssize_t i
    if length == 0:
        return False
    for i in range(length):
        if s[i] < 48 or s[i] > 57:
            return False
    return True


cdef inline object _digits_value(const char *s, Py_ssize_t length):
    cdef long long value = 0
    cdef Py_ssize_t i
    for i in range(length):
        value = value * 10 + (s[i] - 48)
    return value


cdef class _Line:
    """One line's text and where its fields start and end."""
    cdef const char *text
    cdef object keep          # what owns `text` (the line, or its surrogatepass encoding)
    cdef const char *errors
    cdef Py_ssize_t fields
    cdef Py_ssize_t size
    cdef Py_ssize_t starts[MAX_FIELDS]
    cdef Py_ssize_t ends[MAX_FIELDS]

    cdef void read(self, object line):
        cdef Py_ssize_t size
        cdef const char *text
        cdef object keep = line
        cdef const char *errors = NULL
        try:
            text = PyUnicode_AsUTF8AndSize(line, &size)
        except UnicodeEncodeError:
            keep = line.encode("utf-8", "surrogatepass")
            text = <const char*>(<bytes>keep)
            size = len(<bytes>keep)
            errors = "surrogatepass"
        self.read_span(text, size)
        self.keep = keep
        self.errors = errors

    cdef void read_span(self, const char *text, Py_ssize_t size):
        """A line inside a longer text (UTF-8, without its break)."""
        cdef Py_ssize_t i, count = 0, start = 0
        self.keep = None
        self.errors = NULL
        self.text = text
        for i in range(size):
            if text[i] == 124:      # "|"
                if count < MAX_FIELDS:
                    self.starts[count] = start
                    self.ends[count] = i
                count += 1
                start = i + 1
        if count < MAX_FIELDS:
            self.starts[count] = start
            self.ends[count] = size
        self.fields = count + 1
        self.size = size

    cdef object whole(self):
        return PyUnicode_DecodeUTF8(self.text, self.size, self.errors)

    cdef inline Py_ssize_t length(self, Py_ssize_t index):
        return self.ends[index] - self.starts[index] if index < self.fields else 0

    cdef inline object string(self, Py_ssize_t index):
        """Field `index` as a string ("" when the line has fewer fields)."""
        if index >= self.fields:
            return ""
        return PyUnicode_DecodeUTF8(self.text + self.starts[index], self.ends[index] - self.starts[index], self.errors)

    cdef object time(self):
        """float(field 0); raises ValueError as float() does."""
        cdef Py_ssize_t length = self.ends[0] - self.starts[0], i
        cdef const char *s = self.text + self.starts[0]
        cdef char buffer[NUMBER_BUFFER]
        cdef bint plain = 0 < length < NUMBER_BUFFER
        if plain:
            for i in range(length):
                if (s[i] < 48 or s[i] > 57) and s[i] != 46:
                    plain = False
                    break
        if not plain:
            return float(self.string(0))
        if length <= 15 and _all_digits(s, length):
            return <double>(<long long>_digits_value(s, length))
        memcpy(buffer, s, length)
        buffer[length] = 0
        return PyOS_string_to_double(buffer, NULL, NULL)

    cdef object decimal_or_number(self, Py_ssize_t index):
        """`_in_range(int(text), text) if text.isdecimal() else _number(parts, index)` of the reference."""
        cdef Py_ssize_t length = self.length(index)
        if 0 < length <= 9 and _all_digits(self.text + self.starts[index], length):
            return _digits_value(self.text + self.starts[index], length)
        text = self.string(index)
        if text.isdecimal():
            return python_in_range(int(text), text)
        return python_number([text], 0)

    cdef object number(self, Py_ssize_t index):
        """The reference's `_number(parts, index)`: int(float(text)) within MAX_SECONDS, None when absent or empty."""
        cdef Py_ssize_t length = self.length(index)
        if length == 0:
            return None
        if length <= 9 and _all_digits(self.text + self.starts[index], length):
            return _digits_value(self.text + self.starts[index], length)
        return python_number([self.string(index)], 0)


cdef inline object _between(object start, double end):
    if start is None:
        return None
    cdef long long seconds = <long long>(end - <double>start)
    return seconds if seconds > 0 else 0


def fold_run(lines, first_line_number, fold, stored_pauses=frozenset()):
    """The reference's fold_run (processes/calls/queue_log.py), compiled."""
    _fold(lines, None, first_line_number, fold, stored_pauses)


def fold_text_run(str text, first_line_number, fold, stored_pauses=frozenset()):
    """The reference's fold_text_run: fold_run of text_lines(text), without making a string of each line; how many
    lines."""
    try:
        PyUnicode_AsUTF8AndSize(text, NULL)
    except UnicodeEncodeError:              # a lone surrogate: line by line
        lines = reference.text_lines(text)
        _fold(lines, None, first_line_number, fold, stored_pauses)
        return len(lines)
    return _fold(None, text, first_line_number, fold, stored_pauses)


cdef Py_ssize_t _fold(object lines, str block, first_line_number, fold, stored_pauses) except -1:
    """The loop, over `lines` (strings without their breaks) or over the lines of `block` (text_lines)."""
    cdef dict calls = fold.calls, last_ended = fold.last_ended, acw = fold.acw
    cdef set other_pause = fold.other_pause
    cdef list malformed = fold.malformed, agents = fold.agents
    cdef _Line parsed = _Line()
    cdef Py_ssize_t number = first_line_number - 1, count = 0, length
    cdef int kind
    cdef double at_value = 0.0
    cdef bint have_at = False, complete, created
    cdef object at, event, agent, opened, call, reason, call_id, folded_from = None, folded_to = None
    cdef object hold, talk, wait, outcome, wait_index
    cdef const char *text = NULL
    cdef const char *newline
    cdef Py_ssize_t size = 0, position = 0, stop
    source = None
    if block is not None:
        text = PyUnicode_AsUTF8AndSize(block, &size)
    else:
        source = iter(lines)
    while True:
        if text != NULL:
            if position >= size:
                break
            newline = <const char*>memchr(text + position, 10, size - position)
            if newline == NULL:
                stop = size
                parsed.read_span(text + position, stop - position)
                position = size
            else:
                stop = newline - text
                parsed.read_span(text + position, stop - position - (1 if stop > position and text[stop - 1] == 13 else 0))
                position = stop + 1
            line = None
        else:
            line = next(source, None)
            if line is None:
                break
            parsed.read(line)
        number += 1
        count += 1
        if parsed.fields < 5:
            if line is None:
                line = parsed.whole()
            if line.strip():
                malformed.append((number, FEW_FIELDS))
            continue
        try:
            at = parsed.time()
        except ValueError:
            malformed.append((number, NOT_A_TIME))
            continue
        at_value = <double>at
        have_at = True
        if not (0.0 <= at_value < LATEST_TIME):
            malformed.append((number, NOT_A_TIME))
            continue
        length = parsed.ends[4] - parsed.starts[4]
        kind = _kind_of(parsed.text + parsed.starts[4], length)
        event = None
        if kind < 0:
            if length == 0:
                malformed.append((number, NO_EVENT))
                continue
            event = parsed.string(4).upper()
            found = KINDS.get(event)
            if found is None:
                continue
            kind = found
        if kind >= LOGIN:
            agent = parsed.string(3)
            if kind == UNPAUSE or kind == LOGOFF:
                opened = acw.get(agent, UNSEEN)
                acw[agent] = None
                if opened is not None and opened is not UNSEEN and opened[1] is not None:
                    call = opened[1]
                    call[ACW_S] = (call[ACW_S] or 0) + int(at_value - <double>opened[0])
                    if folded_from is None:
                        folded_from = opened[0]
                    folded_to = opened[0]
                    if kind == LOGOFF:
                        last_ended.pop(agent, None)
                        agents.append((agent, "logoff", at, ""))
                    elif agent in other_pause:
                        other_pause.discard(agent)
                        agents.append((agent, "unpause", at, ""))
                    continue
                if kind == LOGOFF:
                    last_ended.pop(agent, None)
                    other_pause.discard(agent)
                    agents.append((agent, "logoff", at, ""))
                elif opened is not None or agent in other_pause:
                    other_pause.discard(agent)
                    agents.append((agent, "unpause", at, ""))
                continue
            if kind == PAUSE:
                reason = parsed.string(5)[:40] if parsed.fields > 5 else ""
                if reason != ACW_REASON and reason.upper() != ACW_REASON:
                    other_pause.add(agent)
                    agents.append((agent, "pause", at, reason))
                    continue
                opened = acw.get(agent, UNSEEN)
                call = None
                if opened is not UNSEEN and not (stored_pauses and (agent, at) in stored_pauses):
                    if opened is None:
                        call = last_ended.get(agent)
                    elif opened[1] is not None:
                        call = opened[1]
                        if call[ACW_S] is None:
                            call[ACW_S] = 0
                        call = last_ended.get(agent)
                    if call is not None and at_value - <double>call[ENDED_AT] > WITHIN:
                        call = None
                acw[agent] = (at, call, reason)
                if call is None:
                    agents.append((agent, "pause", at, reason))
                continue
            agents.append((agent, "login", at, ""))
            continue
        length = parsed.ends[1] - parsed.starts[1]
        if length == 0 or (length == 4 and memcmp(parsed.text + parsed.starts[1], b"NONE", 4) == 0):
            continue
        call_id = parsed.string(1)
        if kind == ENTER:
            call = calls.get(call_id)
            if call is None:
                call = [parsed.string(2), at, None, None, None, None, None, False, None, None, None]
                calls[call_id] = call
            else:
                call[ENTERED_AT] = at
                call[QUEUE] = parsed.string(2) or call[QUEUE]
            if parsed.fields > 6 and parsed.length(6) > 0:
                call[CALLER] = parsed.string(6)
            continue
        call = calls.get(call_id)
        created = call is None
        if created:
            call = [parsed.string(2), None, None, None, None, None, None, False, None, None, None]
        try:
            if kind == CONNECT:
                hold = parsed.decimal_or_number(5)
                agent = parsed.string(3)
                call[ANSWERED_AT] = at
                call[AGENT] = agent or call[AGENT]
                call[WAIT_S] = hold if hold is not None else _between(call[ENTERED_AT], at_value)
            elif kind == COMPLETE or kind == TRANSFER:
                complete = kind == COMPLETE
                talk = parsed.decimal_or_number(6 if complete else 8)
                wait = call[WAIT_S]
                if wait is None:
                    wait = parsed.number(5 if complete else 7)
                agent = parsed.string(3) or call[AGENT]
                call[ENDED_AT] = at
                call[OUTCOME] = ANSWERED
                call[AGENT] = agent
                call[TALK_S] = talk if talk is not None else _between(call[ANSWERED_AT], at_value)
                if not complete:
                    call[TRANSFERRED] = True
                call[WAIT_S] = wait
                if agent:
                    last_ended[agent] = call
            elif kind == GIVE_UP:
                if event is None:
                    event = parsed.string(4)
                outcome, wait_index = GIVE_UPS[event]
                wait = parsed.number(5 + <Py_ssize_t>wait_index)
                call[ENDED_AT] = at
                call[OUTCOME] = outcome
                call[WAIT_S] = wait if wait is not None else _between(call[ENTERED_AT], at_value)
            if created:
                calls[call_id] = call
        except MalformedLine as exc:
            malformed.append((number, str(exc)))
    fold.lines += count
    if have_at and 0.0 <= at_value < LATEST_TIME:
        fold.last_at = at
    if folded_from is not None:
        fold.folded_from = folded_from if fold.folded_from is None else min(fold.folded_from, folded_from)
        fold.folded_to = folded_to if fold.folded_to is None else max(fold.folded_to, folded_to)
    return count
