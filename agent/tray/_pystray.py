"""The tray on top of pystray (tested with pystray 0.19.5).

pystray picks its backend when it is first imported: AppIndicator or GTK when
PyGObject is importable, else its pure X11 backend ("xorg"), which speaks the
freedesktop system tray + XEMBED protocols with python-xlib. With the GTK
backends the icon gets a native menu offering every action; we use them as
they are.

The xorg backend has defects that were measured under Xvfb + trayer and are
worked around by the subclass built in :func:`_xorg_icon_class`. Each
override is narrow and says which defect it fixes:

1. No clicks: its window is created with only ``ExposureMask |
   StructureNotifyMask``, so ``ButtonPress`` never arrives. We add
   ``ButtonPressMask`` in ``_create_window``; a click runs the menu's default
   item, which delivers ``"open_panel"``.
2. Icon collapses: ``_update_icon`` calls ``_assert_docked`` and so re-sends
   ``SYSTEM_TRAY_REQUEST_DOCK`` on every image change; trayer then re-embeds
   the icon and shrinks it to 1-3 px for a while. Our ``_update_icon`` only
   redraws; docking happens in ``_show``, once per tray host.
3. ``run_detached()`` starts ``run()`` in a thread, which starts a *second*
   setup thread that waits forever; ``stop()`` then joins it for 5 s and the
   non-daemon thread blocks interpreter exit. We never call
   ``run_detached``: ``run`` goes in a daemon thread of ours, the setup
   callback returns at once, and ``stop`` is bounded.
4. No re-dock after the tray host restarts: the dock request is only re-sent
   when the image changes. We select ``StructureNotifyMask`` on the root
   window and re-dock once when a ``MANAGER`` client message announces a new
   ``_NET_SYSTEM_TRAY_S<n>`` owner (or when the old owner's window dies and a
   new owner already exists).
5. No tray host: ``_show`` logs an ``AssertionError`` traceback and carries
   on. Ours logs one clear warning; ``docked()`` stays False and the icon
   docks later if a host appears.

Plus robustness fixes found on the way:

* ``_mainloop`` ends for good on any handler exception, and on the
  ``DestroyNotify`` of its window whoever destroyed it. A tray host killed
  right after docking (before our window is in its save-set) destroys the
  window with it: measured with trayer. Ours ends only on ``stop()``,
  recreates a lost window and re-docks it, and logs a failing handler.
* The cross-thread dispatcher behind ``icon.icon = ...``, ``icon.title = ...``
  and ``stop()`` (``_rewrite_implementation``) flushes the icon's X
  connection from the calling thread, and python-xlib loses requests when
  two threads flush one connection at once: about 1 stop in 40 hung because
  its DestroyWindow was never sent. It also waits with no timeout. Ours
  wakes the X thread through a second connection, keeps the icon's
  connection to the X thread alone, and times out (:class:`TrayTimeout`).
* ``_run`` sets ``self._thread`` *after* marking the icon ready, so a call
  made right after readiness can hit ``AttributeError``; we set it first.
* ``_assert_icon_data`` stretches the image to the socket (trayer gives
  24x22, so the ring became an oval) and pastes RGBA onto black. Ours renders
  the icon at the real size, square and centred, onto an opaque background
  in the panel's own colour (read back once docked, see
  ``_adopt_panel_background``), so no light square shows around it.
* ``__del__`` joins the loop thread from the garbage collector and closes the
  display a second time; ours only closes it, once.
* The window title is ``WM_NAME`` (Latin-1); we also set ``_NET_WM_NAME``
  and never let an unencodable character raise.
* No tooltip: an XEmbed tray host shows none, so the status line was never
  seen. Ours shows one of its own (:mod:`agent.tray.x11_tooltip`) when the
  pointer rests on the icon; it follows the title while shown.
* pystray asks for at least 24x24, so a 48 px trayer gave a 24x46 socket and
  a 24 px icon. Once docked, ours asks for a square as thick as the panel.

On Windows pystray saves the 64 px picture and Windows shrinks it to the
tray's 16 px; :func:`_win32_icon_class` draws it at the tray's size instead.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Optional, Tuple

from PIL import Image, ImageStat

from agent.i18n import gettext
from agent.sensing.xconnection import lighten
from agent.tray._base import ActionCallback, BaseTray, TrayUnavailable
from agent.tray.icon_image import DEFAULT_BACKGROUND, STATES, draw_icon
from agent.tray.x11_tooltip import HOVER_DELAY_S, Tooltip

log = logging.getLogger("agent.tray")

#: The largest square the X11 icon asks a tray host for, as the StatusNotifier item's largest
#: picture: a side panel 200 px thick (trayer --edge left --height 200) gets 64, not 198.
MAX_ICON_SIDE = 64

#: How long a call into the X thread may take before we give up on it.
DISPATCH_TIMEOUT_S = 1.0


class TrayTimeout(TimeoutError):
    """The tray's event thread did not answer in time."""


def load_pystray():
    """Import pystray, or raise :class:`TrayUnavailable` saying why.

    pystray chooses and imports its backend at import time; its X11 backend
    opens a display then, so with no (reachable) ``$DISPLAY`` the import
    raises ``Xlib.error.DisplayNameError``/``DisplayConnectionError``, not
    ``ImportError``. Everything is caught here.
    """
    try:
        import pystray
    except Exception as exc:  # noqa: BLE001 - see docstring
        raise TrayUnavailable(f"no tray backend: {type(exc).__name__}: {exc}") from exc
    return pystray


def backend_name(pystray_module) -> str:
    """``"xorg"``, ``"appindicator"``, ``"gtk"``, ... from pystray's choice."""
    return pystray_module.Icon.__module__.rsplit(".", 1)[-1].lstrip("_")


_XORG_CLASS = None


def _xorg_icon_class():
    """pystray's xorg ``Icon`` with Upright's fixes (built once, on demand)."""
    global _XORG_CLASS
    if _XORG_CLASS is None:
        from pystray import _xorg

        _XORG_CLASS = _build_xorg_class(_xorg)
    return _XORG_CLASS


_WIN32_CLASS = None


def _win32_icon_class():
    """pystray's win32 ``Icon``, drawing at the tray's own size (built once, on demand)."""
    global _WIN32_CLASS
    if _WIN32_CLASS is None:
        from pystray import _win32

        _WIN32_CLASS = _build_win32_class(_win32)
    return _WIN32_CLASS


def _build_win32_class(backend):
    import ctypes
    import os
    import tempfile

    from pystray._util import win32

    class UprightWin32Icon(backend.Icon):
        """pystray saves the 64 px picture as an ICO and lets Windows shrink it to
        the tray's 16 px (20 or 24 at a higher DPI): the ring blurs and the little
        figure becomes a smudge. Ours draws the picture at the tray's size
        (``SM_CXSMICON``), as the X11 icon does."""

        def __init__(self, *args, renderer: Callable[[int], Image.Image], **kwargs):
            self._renderer = renderer
            super().__init__(*args, **kwargs)

        def _assert_icon_handle(self):
            if self._icon_handle:
                return
            side = ctypes.windll.user32.GetSystemMetrics(SM_CXSMICON) or 16
            fd, path = tempfile.mkstemp(".ico")
            try:
                with os.fdopen(fd, "wb") as file:
                    self._renderer(side).save(file, format="ICO", sizes=[(side, side)])
                self._icon_handle = win32.LoadImage(None, path, win32.IMAGE_ICON, side, side,
                                                    win32.LR_LOADFROMFILE)
            finally:
                os.unlink(path)

    return UprightWin32Icon


#: GetSystemMetrics: the width of a small icon, the size the notification area shows.
SM_CXSMICON = 49


def _build_xorg_class(xorg):
    import Xlib.error
    import Xlib.X as X
    import Xlib.Xutil as Xutil

    class _Call:
        """One method call handed to the X thread, and its outcome."""

        __slots__ = ("method", "done", "result", "error")

        def __init__(self, method) -> None:
            self.method = method
            self.done = threading.Event()
            self.result = None
            self.error: Optional[BaseException] = None

    class UprightXorgIcon(xorg.Icon):
        SETUP_THREAD_TIMEOUT = 0.5

        def __init__(self, *args, renderer=None, background=None, **kwargs):
            # Set before super().__init__, which creates the window.
            self._renderer: Optional[Callable[[int], Image.Image]] = renderer
            self._background = tuple(background or DEFAULT_BACKGROUND)
            self._sample_panel = background is None
            self._dock_event = threading.Event()
            self.docked_at: Optional[float] = None
            self.dock_requests = 0
            self._requested_manager: Optional[int] = None
            self._closed = False
            self._stopping = False
            self._in_socket = False
            self._mapped = False
            self._asked_side = 0  # the square we last asked the tray host for (0: pystray's 24)
            self._loop_thread: Optional[threading.Thread] = None
            self._calls: dict = {}
            self._call_serial = 0
            self._call_lock = threading.Lock()
            self._waker = None
            self._waker_lock = threading.Lock()
            self._hovering = False
            self._hover_timer: Optional[threading.Timer] = None
            self.entered_at: Optional[float] = None  # the pointer came onto the icon (monotonic)
            self.tooltip: Optional[Tooltip] = None  # made once the display is open, below
            super().__init__(*args, **kwargs)

            display = lighten(self._display)  # no visuals or keymap kept (agent.sensing.xconnection)
            self._root = display.screen().root
            self._manager_atom = display.intern_atom("MANAGER")
            self._net_wm_name = display.intern_atom("_NET_WM_NAME")
            self._utf8_string = display.intern_atom("UTF8_STRING")

            # Our cross-thread calls and MANAGER; Reparent/Map to track docking.
            self._message_handlers[X.ClientMessage] = self._on_client_message
            self._message_handlers[X.ReparentNotify] = self._on_reparent_notify
            self._message_handlers[X.MapNotify] = self._on_map_notify
            self._message_handlers[X.UnmapNotify] = self._on_unmap_notify
            self._message_handlers[X.EnterNotify] = self._on_enter_notify
            self._message_handlers[X.LeaveNotify] = self._on_leave_notify
            self.tooltip = Tooltip(display)

            # Errors outside pystray's display_manager blocks (requests racing
            # a window that was just destroyed) would be printed to stderr by
            # python-xlib's default handler; log them instead.
            display.set_error_handler(
                lambda error, request=None: log.debug("tray: X error %s", error)
            )

            # A new tray host announces itself with a MANAGER client message
            # sent to the root window with StructureNotifyMask (freedesktop
            # system tray spec); selecting it on root only affects our client.
            with xorg.display_manager(display):
                self._root.change_attributes(event_mask=X.StructureNotifyMask)

        # -- fix 1: clicks ---------------------------------------------------
        def _create_window(self):
            window = super()._create_window()
            with xorg.display_manager(self._display):
                window.change_attributes(
                    event_mask=X.ExposureMask | X.StructureNotifyMask | X.ButtonPressMask
                    | X.EnterWindowMask | X.LeaveWindowMask,
                    background_pixel=self._pixel(self._background),
                )
            return window

        def _pixel(self, rgb) -> int:
            r, g, b = rgb[:3]
            return (r << 16) | (g << 8) | b  # TrueColor 24/32 bit, as put_pil_image assumes

        def _on_button_press(self, event):
            # pystray reacts to button 1 only. There is no menu on this
            # backend, so the middle and right buttons open the panel too:
            # a right click that does nothing feels broken. (4/5 = wheel.)
            self._stop_hovering()
            if event.detail in (1, 2, 3):
                self()

        # -- our own tooltip (agent.tray.x11_tooltip) ----------------------------
        def _on_enter_notify(self, event):
            if event.window.id != self._window.id:
                return
            self._hovering, self.entered_at = True, time.monotonic()
            if self._hover_timer is not None:
                self._hover_timer.cancel()
            self._hover_timer = threading.Timer(HOVER_DELAY_S, self._hover_done)
            self._hover_timer.daemon = True
            self._hover_timer.start()

        def _on_leave_notify(self, event):
            if event.window.id == self._window.id:
                self._stop_hovering()

        def _stop_hovering(self) -> None:
            self._hovering = False
            if self._hover_timer is not None:
                self._hover_timer.cancel()
                self._hover_timer = None
            self.tooltip.hide()

        def _hover_done(self) -> None:
            """The timer's thread: the pointer rested long enough; the X thread shows the tooltip."""
            try:
                if self._loop_thread is not None:
                    self._call_in_loop(self._show_tooltip)
            except Exception as exc:  # noqa: BLE001 - a tooltip never breaks the tray
                log.debug("tray: no tooltip: %s", exc)

        def _show_tooltip(self) -> None:
            if self._hovering and self.docked():
                with xorg.display_manager(self._display):
                    self.tooltip.show(self.title or "", self._window)

        # -- fix 2: redraw without re-docking ---------------------------------
        def _update_icon(self):
            self._icon_data = None
            self._draw()
            self._icon_valid = True

        # -- fix 4 & 5: docking ---------------------------------------------
        def _show(self):
            if not self._request_dock():
                log.warning(
                    "No system tray is running (nobody owns %s); the Upright icon "
                    "will appear when one starts.",
                    self._display.get_atom_name(self._net_system_tray_sx),
                )

        def _request_dock(self) -> bool:
            """Ask the current tray host to embed us, once per host."""
            try:
                with xorg.display_manager(self._display):
                    owner = self._get_systray_manager()
                    if owner is None:
                        self._systray_manager = None
                        return False
                    if owner.id == self._requested_manager:
                        return True  # already asked this host: asking again collapses the icon
                    self._dock_window()
            except xorg.XError:
                # The owner vanished between the query and the request.
                self._systray_manager = None
                return False
            if self._systray_manager is None:
                return False
            self._requested_manager = self._systray_manager.id
            self.dock_requests += 1
            return True

        def _on_destroy_notify(self, event):
            manager = self._systray_manager
            if manager is None or event.window.id != manager.id:
                return
            log.info("The system tray went away; waiting for a new one.")
            self._systray_manager = None
            self._requested_manager = None
            self._set_docked(False)
            if self.visible:
                self._request_dock()  # a new host may already own the selection

        def _on_client_message(self, event) -> None:
            _fmt, data = event.data
            if event.client_type == self._call_atom and event.window.id == self._window.id:
                self._run_call(data[0])
            elif event.client_type == self._manager_atom and event.window.id == self._root.id:
                if data[1] == self._net_system_tray_sx and self.visible:
                    log.info("A system tray appeared; docking the Upright icon.")
                    self._request_dock()

        # -- cross-thread calls, one X connection per thread --------------------
        # pystray's ``_rewrite_implementation`` makes ``_show``, ``_hide``,
        # ``_update_icon``, ``_update_title`` and ``_stop`` run in the X
        # thread: the caller sends a ClientMessage and flushes *on the icon's
        # own connection*, then waits on ``self._queue.get()`` forever. Two
        # problems, both measured: (a) a dead X thread hangs every caller;
        # (b) python-xlib's threaded mode loses requests when two threads
        # flush one connection at once (a flush returns early while the other
        # thread is finishing its send, and nobody sends the new requests):
        # the DestroyWindow of stop() stayed queued, about 1 stop in 40 hung.
        # So the icon's connection is used by the X thread alone; callers
        # wake it through a second connection of their own, and wait on a
        # per-call event with a timeout.
        def _rewrite_implementation(self, *methods):
            self._call_atom = self._display.intern_atom("_UPRIGHT_TRAY_CALL")
            for method in methods:
                setattr(self, method.__name__, self._marshalled(method))

        def _marshalled(self, method):
            def call():
                loop = self._loop_thread
                if loop is None or loop is threading.current_thread():
                    return method()  # not running (yet/any more), or already in it
                return self._call_in_loop(method)

            call.__name__ = method.__name__
            return call

        def _call_in_loop(self, method):
            with self._call_lock:
                self._call_serial = (self._call_serial + 1) & 0x7FFFFFFF
                serial = self._call_serial
                call = self._calls[serial] = _Call(method)
            try:
                self._wake(serial)
                if not call.done.wait(DISPATCH_TIMEOUT_S):
                    raise TrayTimeout(
                        f"the tray's X thread did not run {method.__name__} "
                        f"within {DISPATCH_TIMEOUT_S:.1f} s"
                    )
            finally:
                with self._call_lock:
                    self._calls.pop(serial, None)
            if call.error is not None:
                raise call.error
            return call.result

        def _wake(self, serial: int) -> None:
            import Xlib.display
            import Xlib.protocol.event

            with self._waker_lock:
                if self._waker is None:
                    self._waker = lighten(Xlib.display.Display(self._display.get_display_name()))
                    self._waker.set_error_handler(lambda *_args: None)
                window = self._waker.create_resource_object("window", self._window.id)
                window.send_event(
                    Xlib.protocol.event.ClientMessage(
                        window=window, client_type=self._call_atom,
                        data=(32, [serial, 0, 0, 0, 0]),
                    ),
                    event_mask=X.NoEventMask,
                )
                self._waker.flush()

        def _run_call(self, serial: int) -> None:
            with self._call_lock:
                call = self._calls.get(serial)
            if call is None:
                return  # the caller gave up waiting: do not act late
            try:
                call.result = call.method()
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                call.error = exc
            finally:
                call.done.set()

        # "Docked" = reparented into a tray socket *and* mapped by it: after
        # the ReparentNotify the window is still 1x1 until the host sizes and
        # maps it (measured with trayer), so the reparent alone is too early.
        def _on_reparent_notify(self, event):
            if event.window.id != self._window.id:
                return
            self._icon_data = None
            self._in_socket = event.parent.id != self._root.id
            self._set_docked(self._in_socket and self._mapped)

        def _on_map_notify(self, event):
            if event.window.id == self._window.id:
                self._mapped = True
                if self._in_socket and self._sample_panel:
                    self._adopt_panel_background()
                self._set_docked(self._in_socket)

        def _adopt_panel_background(self) -> None:
            """Take the panel's colour as our background, so the opaque icon
            does not sit in a visible square. pystray can only put RGB
            images, so real transparency is not available; instead we let
            the server paint our window with the socket's background
            (ParentRelative), read it back, and use its mean colour. Skipped
            when depths differ (ParentRelative would be a BadMatch)."""
            window = self._window
            try:
                with xorg.display_manager(self._display):
                    geometry = window.get_geometry()
                    parent = window.query_tree().parent
                    if parent.get_geometry().depth != geometry.depth or geometry.depth not in (24, 32):
                        return
                    window.change_attributes(background_pixmap=X.ParentRelative)
                    window.clear_area(0, 0, 0, 0)
                    raw = window.get_image(0, 0, geometry.width, geometry.height, X.ZPixmap, 0xFFFFFFFF)
                    window.change_attributes(background_pixel=self._pixel(self._background))
            except (xorg.XError, Xlib.error.XError) as exc:
                log.debug("tray: cannot read the panel background: %s", exc)
                return
            order = "BGRX" if self._display.display.info.image_byte_order == 0 else "XRGB"
            try:
                sample = Image.frombytes(
                    "RGB", (geometry.width, geometry.height), raw.data, "raw", order
                )
            except ValueError:
                return
            colour = tuple(int(round(v)) for v in ImageStat.Stat(sample).mean[:3])
            if colour != self._background:
                self._background = colour
                with xorg.display_manager(self._display):
                    window.change_attributes(background_pixel=self._pixel(colour))
            self._icon_data = None
            self._draw()

        # -- fix 8: as large as the panel ----------------------------------------
        def _on_expose(self, event):
            if self.tooltip.on_expose(event):  # the tooltip's own Expose (agent.tray.x11_tooltip)
                return
            if event.type == X.ConfigureNotify and event.window.id == self._window.id:
                self._fit_to_socket(event.width, event.height)
            super()._on_expose(event)

        def _fit_to_socket(self, width: int, height: int) -> None:
            """pystray asks for at least 24x24, so a 48 px trayer gives a 24x46 socket
            and the icon was drawn 24 px in a 48 px panel. Once docked, ask for a
            square as large as the socket's long side (the panel's thickness):
            the host resizes the socket, and the next ConfigureNotify draws at that size."""
            side = min(MAX_ICON_SIDE, max(width, height))
            if not self._in_socket or side <= max(self._asked_side, min(width, height)):
                return
            self._asked_side = side
            with xorg.display_manager(self._display):
                self._window.set_wm_normal_hints(flags=Xutil.PSize | Xutil.PMinSize, width=side, height=side,
                                                 min_width=side, min_height=side)
                self._window.configure(width=side, height=side)

        def _on_unmap_notify(self, event):
            if event.window.id == self._window.id:
                self._mapped = False
                self._set_docked(False)

        def _set_docked(self, docked: bool) -> None:
            if docked:
                if not self._dock_event.is_set():
                    self.docked_at = time.monotonic()
                self._dock_event.set()
            else:
                self._dock_event.clear()

        def docked(self) -> bool:
            return self._dock_event.is_set()

        def wait_docked(self, timeout: float) -> bool:
            return self._dock_event.wait(timeout)

        # -- drawing at the real size ---------------------------------------
        def _assert_icon_data(self, width, height):
            if self._icon_data is not None and self._icon_data.size == (width, height):
                return
            side = max(1, min(width, height))
            art = None
            if self._renderer is not None and side >= 8:
                try:
                    art = self._renderer(side)
                except Exception:  # noqa: BLE001 - never kill the X loop
                    log.exception("tray: drawing the icon failed")
            if art is None:
                art = self._icon.convert("RGBA").resize((side, side), Image.LANCZOS)
            data = Image.new("RGB", (width, height), self._background)
            data.paste(art, ((width - side) // 2, (height - side) // 2), art)
            self._icon_data = data

        def _update_title(self):
            title = self.title or ""
            self._window.set_wm_name(title.encode("latin-1", "replace"))
            self._window.change_property(
                self._net_wm_name, self._utf8_string, 8, title.encode("utf-8")
            )
            if self.tooltip is not None and self.tooltip.visible:  # the status moved on under the pointer
                self.tooltip.show(title, self._window)

        # -- threads and teardown --------------------------------------------
        def _run(self):
            self._thread = self._loop_thread = threading.current_thread()
            try:
                super()._run()
            finally:
                self._loop_thread = None

        def _stop(self):
            self._stopping = True
            self._stop_hovering()
            self.tooltip.destroy()
            super()._stop()

        def _mainloop(self):
            # pystray's loop ends for good on any handler exception and on the
            # DestroyNotify of our window, whoever destroyed it. A tray host
            # that dies before adding our window to its save-set takes the
            # window with it (measured: trayer killed right after docking),
            # which left a dead icon and a 1 s timeout on every update().
            # Here only stop() ends the loop; a lost window is recreated and
            # re-docked, and a failing handler is logged and skipped.
            while True:
                try:
                    event = self._display.next_event()
                except Xlib.error.ConnectionClosedError:
                    return
                except Exception:  # noqa: BLE001
                    log.exception("tray: reading X events failed")
                    return
                if event.type == X.DestroyNotify and event.window.id == self._window.id:
                    if self._stopping:
                        return
                    self._recreate_window()
                    continue
                handler = self._message_handlers.get(event.type)
                if handler is None:
                    continue
                try:
                    handler(event)
                except Exception:  # noqa: BLE001
                    log.exception("tray: handling X event %s failed", event.type)

        def _recreate_window(self):
            log.warning("tray: the icon window was destroyed; recreating it.")
            self._in_socket = self._mapped = False
            self._asked_side = 0
            self._set_docked(False)
            self._systray_manager = None
            self._requested_manager = None
            try:
                with xorg.display_manager(self._display):
                    self._window = self._create_window()
                    self._gc = self._window.create_gc()
                    self._update_title()
                self._icon_data = None
                if self.visible:
                    self._request_dock()
            except Exception:  # noqa: BLE001
                log.exception("tray: recreating the icon window failed")

        def close(self) -> None:
            if not self._closed:
                self._closed = True
                for display in (self._waker, self._display):
                    try:
                        if display is not None:
                            display.close()
                    except Exception:  # noqa: BLE001 - already broken is closed enough
                        pass

        def __del__(self):
            self.close()

    return UprightXorgIcon


def N_(text: str) -> str:
    """Marks a text for the translation template (agent.i18n.pot); looked up when the menu is built."""
    return text


# Text, action and "visible when" for the menu of backends that have one.
# ``None`` as text is a separator. The texts are English here, in the user's language on screen.
_MENU: Tuple = (
    (N_("Open Upright"), "open_panel", None),
    (N_("Take a break now"), "break_now", None),
    (N_("Postpone 5 minutes"), "postpone", lambda s: s == "break_due"),
    (N_("Resume"), "resume", lambda s: s == "paused"),
    (N_("Pause"), (
        (N_("For 30 minutes"), "pause_30", None),
        (N_("For 1 hour"), "pause_60", None),
        (N_("Until tomorrow"), "pause_tomorrow", None),
    ), lambda s: s != "paused"),
    (N_("I'm standing"), "standing", lambda s: s != "standing"),
    (N_("I'm sitting"), "sitting", lambda s: s == "standing"),
    (None, None, None),
    (N_("Guides"), (
        (N_("Posture check"), "posture", None),
        (N_("Lumbar support"), "lumbar", None),
        (N_("Exercises"), "exercises", None),
        (N_("Back spasm guide"), "spasm_guide", None),
        (N_("Set up your workstation"), "walkthrough", None),
        (N_("Lifting safely"), "lifting", None),
        (N_("When to get medical help"), "red_flags", None),
    ), None),
    (N_("Today"), "today", None),
    (N_("This week"), "this_week", None),
    (N_("Settings"), "settings", None),
    (None, None, None),
    (N_("Quit Upright"), "quit", None),
)


class PystrayTray(BaseTray):
    """A tray icon through pystray. See the module docstring for the X11 fixes.

    ``HAS_MENU`` is decided by the backend pystray picked: True with
    AppIndicator/GTK (a native menu with every action), False with plain X11
    (a click delivers ``"open_panel"``).
    """

    BACKEND = "pystray"

    def __init__(
        self,
        on_action: ActionCallback,
        *,
        name: str = "upright",
        title: str = "Upright",
        background=None,
        dock_timeout: float = 3.0,
    ) -> None:
        super().__init__(on_action)
        self._pystray = load_pystray()
        self.backend = backend_name(self._pystray)
        self.BACKEND = f"pystray-{self.backend}"
        self._is_xorg = self.backend == "xorg"
        self.HAS_MENU = bool(self._pystray.Icon.HAS_MENU) and not self._is_xorg
        self._name = name
        self._title = title
        self._background = background
        self.dock_timeout = dock_timeout
        self._lock = threading.RLock()
        self._icon = None
        self._thread: Optional[threading.Thread] = None
        self._state: Tuple[float, str] = (0.0, "working")
        self._drawn_key = None
        self._started_at: Optional[float] = None

    # -- public API ---------------------------------------------------------------
    def start(self, timeout: Optional[float] = None) -> bool:
        """Show the icon; wait up to ``timeout`` (default ``dock_timeout``) s to dock.

        Returns True once docked (always True where docking is unknowable).
        With no tray host it returns False at once, after one log warning;
        the icon docks by itself when a host starts later.
        """
        with self._lock:
            if self._icon is not None:
                return bool(self.docked() in (True, None))
            self._started_at = time.monotonic()
            pystray = self._pystray
            menu = self._menu()
            image = self._image(64)
            try:
                if self._is_xorg:
                    icon = _xorg_icon_class()(
                        self._name, image, self._title, menu,
                        renderer=self._render, background=self._background,
                    )
                elif self.backend == "win32":
                    icon = _win32_icon_class()(self._name, image, self._title, menu, renderer=self._render)
                else:
                    icon = pystray.Icon(self._name, image, self._title, menu)
            except Exception as exc:  # noqa: BLE001 - e.g. the X server went away
                log.warning("No tray icon: %s: %s", type(exc).__name__, exc)
                return False
            ready = threading.Event()
            thread = threading.Thread(
                target=self._loop, args=(icon, ready), name="upright-tray", daemon=True
            )
            self._icon, self._thread = icon, thread
            self._drawn_key = self._key()
            thread.start()
        if not ready.wait(5.0):
            log.warning("tray: the tray thread did not start")
            return False
        try:
            icon.visible = True  # draws, then asks the tray host to dock us (once)
        except Exception as exc:  # noqa: BLE001
            log.warning("tray: could not show the icon: %s", exc)
            return False
        if not self._is_xorg:
            return True
        if icon._systray_manager is None:
            return False  # no tray host; _show logged why
        return icon.wait_docked(self.dock_timeout if timeout is None else timeout)

    def update(self, progress: float, state: str, tooltip: str) -> None:
        """Redraw for ``progress``/``state`` and set the tooltip; never raises
        for display problems (they are logged). Unchanged input is a no-op."""
        if state not in STATES:
            raise ValueError(f"unknown tray state {state!r}; expected one of {STATES}")
        with self._lock:
            old_state = self._state[1]
            self._state = (float(progress), state)
            icon = self._icon
            if icon is None:
                self._title = tooltip
                return
            try:
                key = self._key()
                if key != self._drawn_key:
                    icon.icon = self._image(64)
                    self._drawn_key = key
                icon.title = tooltip
                if self.HAS_MENU and state != old_state:
                    icon.update_menu()
            except Exception as exc:  # noqa: BLE001 - the agent must not die of its tray
                log.warning("tray: update failed: %s", exc)

    def stop(self, timeout: float = 2.0) -> None:
        """Remove the icon and end its thread within ``timeout`` s. Idempotent."""
        with self._lock:
            icon, thread = self._icon, self._thread
            self._icon = self._thread = None
        if icon is None:
            return
        deadline = time.monotonic() + timeout
        if thread is threading.current_thread():
            # Called from on_action, against the contract: stop without joining.
            self._stop_icon(icon)
            return
        stopper = threading.Thread(
            target=self._stop_icon, args=(icon,), name="upright-tray-stop", daemon=True
        )
        stopper.start()
        stopper.join(max(0.0, deadline - time.monotonic()))
        if thread is not None:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                log.warning("tray: the tray thread did not end in %.1f s; leaving it", timeout)
        if self._is_xorg and (thread is None or not thread.is_alive()):
            icon.close()

    def docked(self) -> Optional[bool]:
        icon = self._icon
        if not self._is_xorg:
            return None if icon is not None else False
        return bool(icon is not None and icon.docked())

    def wait_docked(self, timeout: float) -> Optional[bool]:
        icon = self._icon
        if icon is None or not self._is_xorg:
            return self.docked()
        return icon.wait_docked(timeout)

    @property
    def dock_latency_s(self) -> Optional[float]:
        """Seconds from ``start()`` to the first dock (None if not docked)."""
        icon = self._icon
        at = getattr(icon, "docked_at", None)
        if at is None or self._started_at is None:
            return None
        return at - self._started_at

    @property
    def window_id(self) -> Optional[int]:
        """The X window of the icon (X11 backend only), for tests and tools."""
        icon = self._icon
        window = getattr(icon, "_window", None)
        return window.id if window is not None else None

    # -- internals -------------------------------------------------------------
    def _loop(self, icon, ready: threading.Event) -> None:
        try:
            icon.run(setup=lambda _icon: ready.set())
        except Exception:  # noqa: BLE001
            log.exception("tray: the tray loop crashed")
        finally:
            ready.set()

    def _key(self):
        progress, state = self._state
        return state, round(min(1.0, max(0.0, progress)) * 240)

    def _render(self, size: int) -> Image.Image:
        """Draw at the socket's real size (runs in the X thread); the icon
        composites it onto its opaque background itself."""
        progress, state = self._state
        return draw_icon(size, progress, state)

    def _image(self, size: int) -> Image.Image:
        progress, state = self._state
        # Opaque for the X11 backend, which pastes onto RGB; GTK backends keep alpha.
        return draw_icon(size, progress, state, opaque=self._is_xorg,
                         background=self._background)

    def _stop_icon(self, icon) -> None:
        try:
            icon.stop()
        except Exception as exc:  # noqa: BLE001
            log.warning("tray: stopping the icon failed: %s", exc)

    def _menu(self):
        pystray = self._pystray

        # pystray counts a callback's positional parameters (defaults
        # included) and rejects more than two, so bind with closures.
        def emitter(action):
            return lambda _icon, _item: self._emit(action)

        def shown_when(when):
            return lambda _item: when(self._state[1])

        def build(entries):
            items = []
            for text, action, when in entries:
                if text is None:
                    items.append(pystray.Menu.SEPARATOR)
                    continue
                visible = True if when is None else shown_when(when)
                text = gettext(text)
                if isinstance(action, tuple):
                    items.append(pystray.MenuItem(text, pystray.Menu(*build(action)), visible=visible))
                else:
                    items.append(pystray.MenuItem(
                        text,
                        emitter(action),
                        default=(action == "open_panel"),
                        visible=visible,
                    ))
            return items

        return pystray.Menu(*build(_MENU))
