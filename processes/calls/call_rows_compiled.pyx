# cython: language_level=3, boundscheck=False, wraparound=False
"""Folded calls as PostgreSQL's binary COPY stream, made in compiled code (Cython): the same rows
processes/calls/importer.py gives psycopg's write_row one by one, in processes/calls/bulk.py's CALL_COLUMNS order,
encoded here in large chunks with the signature and the trailer, so that a year of a busy centre (100,000 calls)
is written without a Python call per field. tests/test_calls_fold_compiled.py stores the same calls both ways and
compares the tables. The callers' numbers are hashed by the key ring's blind index, each number once."""
from libc.math cimport rint
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy

from psycopg import DataError

from processes.calls import queue_log as fold

cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8AndSize(object text, Py_ssize_t *size) except NULL
    object PyBytes_FromStringAndSize(const char *data, Py_ssize_t size)

cdef bytes SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
cdef bytes TRAILER = b"\xff\xff"
COLUMNS = 12
CHUNK_BYTES = 1 << 18

cdef Py_ssize_t QUEUE = fold.QUEUE, ENTERED_AT = fold.ENTERED_AT, ANSWERED_AT = fold.ANSWERED_AT
cdef Py_ssize_t ENDED_AT = fold.ENDED_AT, WAIT_S = fold.WAIT_S, TALK_S = fold.TALK_S, OUTCOME = fold.OUTCOME
cdef Py_ssize_t TRANSFERRED = fold.TRANSFERRED, AGENT = fold.AGENT, CALLER = fold.CALLER, ACW_S = fold.ACW_S


cdef class _Buffer:
    cdef char *data
    cdef Py_ssize_t size
    cdef Py_ssize_t capacity

    def __cinit__(self, Py_ssize_t capacity):
        self.data = <char*>malloc(capacity)
        if self.data == NULL:
            raise MemoryError()
        self.size = 0
        self.capacity = capacity

    def __dealloc__(self):
        free(self.data)

    cdef int room(self, Py_ssize_t more) except -1:
        cdef char *grown
        if self.size + more <= self.capacity:
            return 0
        grown = <char*>realloc(self.data, (self.size + more) * 2)
        if grown == NULL:
            raise MemoryError()
        self.data = grown
        self.capacity = (self.size + more) * 2
        return 0

    cdef inline void int16(self, int value):
        self.data[self.size] = <char>((value >> 8) & 0xFF)
        self.data[self.size + 1] = <char>(value & 0xFF)
        self.size += 2

    cdef inline void int32(self, long value):
        cdef int shift
        for shift in range(24, -8, -8):
            self.data[self.size] = <char>((value >> shift) & 0xFF)
            self.size += 1

    cdef inline void int64(self, long long value):
        cdef int shift
        for shift in range(56, -8, -8):
            self.data[self.size] = <char>((value >> shift) & 0xFF)
            self.size += 1

    cdef int raw(self, const char *source, Py_ssize_t length) except -1:
        self.room(length)
        memcpy(self.data + self.size, source, length)
        self.size += length
        return 0

    cdef int null(self) except -1:
        self.room(4)
        self.int32(-1)
        return 0

    cdef int text(self, object value) except -1:
        cdef Py_ssize_t length
        cdef const char *utf8
        if value is None:
            return self.null()
        utf8 = PyUnicode_AsUTF8AndSize(value, &length)
        self.room(4 + length)
        self.int32(<long>length)
        memcpy(self.data + self.size, utf8, length)
        self.size += length
        return 0

    cdef int time(self, object seconds, double epoch) except -1:
        """UNIX seconds as timestamptz on the wire: microseconds since 2000-01-01 UTC, rounded as round() does."""
        if seconds is None:
            return self.null()
        self.room(12)
        self.int32(8)
        self.int64(<long long>rint((<double>seconds - epoch) * 1000000.0))
        return 0

    cdef int int4(self, object value) except -1:
        cdef long long number
        if value is None:
            return self.null()
        number = value
        if number < -2147483648 or number > 2147483647:
            raise DataError(f"int4 out of range: {number}")
        self.room(8)
        self.int32(4)
        self.int32(<long>number)
        return 0

    cdef int boolean(self, object value) except -1:
        if value is None:
            return self.null()
        self.room(5)
        self.int32(1)
        self.data[self.size] = 1 if value else 0
        self.size += 1
        return 0

    cdef bytes take(self):
        cdef bytes chunk = PyBytes_FromStringAndSize(self.data, self.size)
        self.size = 0
        return chunk


def binary_call_rows(calls, index, list counted, double epoch):
    """The COPY stream (FORMAT BINARY) of the (call id, call) pairs `calls` gives, in chunks of bytes; `index`: the
    blind index of a caller's number; counted[0]: how many rows, once the last chunk is out."""
    cdef _Buffer out = _Buffer(CHUNK_BYTES + 4096)
    cdef dict hashes = {}
    cdef Py_ssize_t count = 0
    cdef list call
    counted[0] = 0
    out.raw(SIGNATURE, len(SIGNATURE))
    for call_id, call in calls:
        count += 1
        out.room(2)
        out.int16(COLUMNS)
        out.text(call_id)
        out.text(call[QUEUE])
        out.time(call[ENTERED_AT], epoch)
        out.time(call[ANSWERED_AT], epoch)
        out.time(call[ENDED_AT], epoch)
        out.int4(call[WAIT_S])
        out.int4(call[TALK_S])
        out.text(call[OUTCOME])
        out.boolean(call[TRANSFERRED])
        out.text(call[AGENT])
        caller = call[CALLER]
        if caller:
            hashed = hashes.get(caller)
            if hashed is None:
                hashed = hashes[caller] = index(caller)
            out.text(hashed)
        else:
            out.null()
        out.int4(call[ACW_S])
        if out.size >= CHUNK_BYTES:
            yield out.take()
    out.raw(TRAILER, len(TRAILER))
    counted[0] = count
    yield out.take()
