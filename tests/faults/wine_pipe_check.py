"""Run by test_windows_pipe_under_wine.py with a Windows python under Wine: argv = checkout, runtime folder.

The control pipe as Windows makes it: its security descriptor, silent callers, garbage, a deep request.
"""
import os, sys, time
sys.path.insert(0, sys.argv[1])
os.environ["UPRIGHT_RUNTIME_DIR"] = sys.argv[2]
from agent.live import control, win_pipe
print("sid", win_pipe.user_sid(), flush=True)
print("address", control.pipe_address(), flush=True)
srv = control.Server()
print("listener", type(srv._endpoint._listener).__name__, flush=True)
srv.start(lambda r: {"ok": True, "echo": r["command"]})
t = time.monotonic(); print("status", control.send("status"), round(time.monotonic() - t, 2), flush=True)
import _winapi
from multiprocessing.connection import PipeConnection
addr = control.pipe_address()[0]
held = []
def open_raw(access):
    for _ in range(50):
        try:
            return _winapi.CreateFile(addr, access, 0, _winapi.NULL, _winapi.OPEN_EXISTING, 0, _winapi.NULL)
        except OSError as e:
            if e.winerror != 231: raise
            _winapi.WaitNamedPipe(addr, 1000)
    raise OSError("busy")
for _ in range(8):
    held.append(open_raw(_winapi.GENERIC_READ | _winapi.GENERIC_WRITE))
t = time.monotonic(); print("status with 8 silent", control.send("status"), round(time.monotonic() - t, 2), flush=True)
from multiprocessing.connection import Client
def ask_raw(label, data):
    with Client(addr, family="AF_PIPE", authkey=control.key_path().read_bytes()) as c:
        c.send_bytes(data)
        print(label, c.recv_bytes() if c.poll(15) else None, flush=True)
for junk in (b"\xff\xfe\x00garbage", b"{not json", b"[1, 2]" , os.urandom(4096)):
    ask_raw("garbage", junk)
for _ in range(3):  # a caller that is no Upright client at all: raw bytes, no key exchange
    g = open_raw(_winapi.GENERIC_READ | _winapi.GENERIC_WRITE)
    _winapi.WriteFile(g, os.urandom(512)); _winapi.CloseHandle(g)
t = time.monotonic(); print("status after garbage", control.send("status"), round(time.monotonic() - t, 2), flush=True)
ask_raw("deep", b"[" * 3000)
t = time.monotonic(); print("status after deep", control.send("status"), round(time.monotonic() - t, 2), flush=True)
# the descriptor on an instance
import ctypes
from ctypes import wintypes
advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
h = open_raw(_winapi.GENERIC_READ)
psd = ctypes.c_void_p()
advapi32.GetSecurityInfo.argtypes = [wintypes.HANDLE, ctypes.c_int, wintypes.DWORD, ctypes.c_void_p,
                                     ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                     ctypes.POINTER(ctypes.c_void_p)]
r = advapi32.GetSecurityInfo(h, 6, 4, None, None, None, None, ctypes.byref(psd))  # kernel object, DACL
text = ctypes.c_void_p()
advapi32.ConvertSecurityDescriptorToStringSecurityDescriptorW.argtypes = [
    ctypes.c_void_p, wintypes.DWORD, wintypes.DWORD, ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p]
ok = advapi32.ConvertSecurityDescriptorToStringSecurityDescriptorW(psd, 1, 4, ctypes.byref(text), None)
dacl = ctypes.wstring_at(text.value) if ok and text.value else ""
print("GetSecurityInfo", r, "dacl", dacl, flush=True)
key = control.key_path().read_bytes()
srv.close()
try:  # the key kept from before: only the closed pipe stands in the way
    with Client(addr, family="AF_PIPE", authkey=key) as c:
        c.send_bytes(b'{"command": "status"}')
        print("after close answered", c.recv_bytes() if c.poll(3) else None, flush=True)
except (OSError, EOFError) as error:
    print("after close refused", type(error).__name__, flush=True)
try:
    print("status after close", control.send("status"), flush=True)
except control.NotRunning as error:
    print("status after close", type(error).__name__, flush=True)
print("done", flush=True)
os._exit(0)
