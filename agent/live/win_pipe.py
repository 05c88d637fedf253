r"""A named pipe that only this user may open (Windows).

The pipe multiprocessing makes has Windows' default security descriptor:
full access for the user, administrators and SYSTEM, and read access for
every local account, so anyone on the machine could open it and take part in
the key exchange. This listener makes each pipe instance with a descriptor
that grants access to this user's SID alone ("D:P(A;;GA;;;SID)") and hands
out the same `PipeConnection` objects multiprocessing does.

NOT RUN ON WINDOWS: see the README's Reliability section for where it was
run (Wine) and what that does and does not prove.
"""

from __future__ import annotations

import ctypes
from ctypes import wintypes
from typing import Any

_PIPE_ACCESS_DUPLEX = 0x00000003
_FILE_FLAG_OVERLAPPED = 0x40000000
_FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000
_PIPE_TYPE_MESSAGE, _PIPE_READMODE_MESSAGE, _PIPE_WAIT = 0x4, 0x2, 0x0
_PIPE_REJECT_REMOTE_CLIENTS = 0x8
_PIPE_UNLIMITED_INSTANCES = 255
_BUFSIZE = 8192
_TOKEN_QUERY = 0x0008
_TOKEN_USER = 1  # TOKEN_INFORMATION_CLASS TokenUser
_SDDL_REVISION_1 = 1
_ERROR_NO_DATA = 232  # a caller connected and left before we looked


class _SecurityAttributes(ctypes.Structure):
    _fields_ = [("nLength", wintypes.DWORD), ("lpSecurityDescriptor", ctypes.c_void_p),
                ("bInheritHandle", wintypes.BOOL)]


def _api() -> tuple[Any, Any]:
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    kernel32.LocalFree.argtypes = [ctypes.c_void_p]
    kernel32.LocalFree.restype = ctypes.c_void_p
    kernel32.CreateNamedPipeW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD,
                                          wintypes.DWORD, wintypes.DWORD, wintypes.DWORD,
                                          ctypes.POINTER(_SecurityAttributes)]
    kernel32.CreateNamedPipeW.restype = wintypes.HANDLE
    advapi32.OpenProcessToken.argtypes = [wintypes.HANDLE, wintypes.DWORD, ctypes.POINTER(wintypes.HANDLE)]
    advapi32.GetTokenInformation.argtypes = [wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p, wintypes.DWORD,
                                             ctypes.POINTER(wintypes.DWORD)]
    advapi32.ConvertSidToStringSidW.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
    advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW.argtypes = [
        wintypes.LPCWSTR, wintypes.DWORD, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(wintypes.ULONG)]
    return kernel32, advapi32


def _check(ok: Any) -> None:
    if not ok:
        raise ctypes.WinError(ctypes.get_last_error())  # type: ignore[attr-defined]


def user_sid() -> str:
    """This process's user as an SID string, e.g. S-1-5-21-...-1001."""
    kernel32, advapi32 = _api()
    token = wintypes.HANDLE()
    _check(advapi32.OpenProcessToken(kernel32.GetCurrentProcess(), _TOKEN_QUERY, ctypes.byref(token)))
    try:
        size = wintypes.DWORD()
        advapi32.GetTokenInformation(token, _TOKEN_USER, None, 0, ctypes.byref(size))  # asks the size
        buffer = ctypes.create_string_buffer(size.value)
        _check(advapi32.GetTokenInformation(token, _TOKEN_USER, buffer, size, ctypes.byref(size)))
        sid = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_void_p))[0]  # TOKEN_USER starts with the SID pointer
        text = ctypes.c_void_p()
        _check(advapi32.ConvertSidToStringSidW(sid, ctypes.byref(text)))
        try:
            return ctypes.wstring_at(text.value)
        finally:
            kernel32.LocalFree(text)
    finally:
        kernel32.CloseHandle(token)


class UserOnlyPipeListener:
    """`multiprocessing.connection.Listener` for AF_PIPE, with instances only this user may open."""

    def __init__(self, address: str) -> None:
        self.address = address
        self._kernel32, advapi32 = _api()
        self._descriptor = ctypes.c_void_p()
        _check(advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW(
            f"D:P(A;;GA;;;{user_sid()})", _SDDL_REVISION_1, ctypes.byref(self._descriptor), None))
        self._attributes = _SecurityAttributes(ctypes.sizeof(_SecurityAttributes), self._descriptor, False)
        self._next: int | None = self._instance(first=True)
        self._waiting: Any = None  # the connect accept() waits on, for close() to cancel

    def _instance(self, first: bool = False) -> int:
        mode = _PIPE_ACCESS_DUPLEX | _FILE_FLAG_OVERLAPPED | (_FILE_FLAG_FIRST_PIPE_INSTANCE if first else 0)
        handle = self._kernel32.CreateNamedPipeW(
            self.address, mode, _PIPE_TYPE_MESSAGE | _PIPE_READMODE_MESSAGE | _PIPE_WAIT | _PIPE_REJECT_REMOTE_CLIENTS,
            _PIPE_UNLIMITED_INSTANCES, _BUFSIZE, _BUFSIZE, 0, ctypes.byref(self._attributes))
        if handle is None or handle == ctypes.c_void_p(-1).value:
            raise ctypes.WinError(ctypes.get_last_error())  # type: ignore[attr-defined]
        return int(handle)

    def accept(self) -> Any:
        """Wait for the next caller; its connection. A new instance waits for the one after."""
        import _winapi
        from multiprocessing.connection import PipeConnection  # type: ignore[attr-defined]

        if self._next is None:
            raise OSError("the listener is closed")
        handle, self._next = self._next, self._instance()
        try:
            waiting = _winapi.ConnectNamedPipe(handle, overlapped=True)
        except OSError as error:
            if error.winerror != _ERROR_NO_DATA:
                _winapi.CloseHandle(handle)
                raise
            return PipeConnection(handle)  # it left already: reading gives EOF
        self._waiting = waiting
        try:
            _winapi.WaitForMultipleObjects([waiting.event], False, _winapi.INFINITE)
        except BaseException:
            waiting.cancel()
            _winapi.CloseHandle(handle)
            raise
        finally:
            self._waiting = None
        _, error = waiting.GetOverlappedResult(True)
        if error or self._next is None:  # cancelled by close(): nobody is answered after it
            _winapi.CloseHandle(handle)
            raise OSError(f"a caller could not connect (Windows error {error})")
        return PipeConnection(handle)

    def close(self) -> None:
        """No more callers: the spare instance goes, and so does the one accept() waits on
        (else a caller could still connect to it, and be answered, until the process ends)."""
        waiting = self._waiting
        if waiting is not None:
            try:
                waiting.cancel()
            except OSError:  # it completed meanwhile: accept() sees the closed listener
                pass
        if self._next is not None:
            self._kernel32.CloseHandle(self._next)
            self._next = None
        if self._descriptor:
            self._kernel32.LocalFree(self._descriptor)
            self._descriptor = ctypes.c_void_p()
