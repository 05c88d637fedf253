"""The live agent: the running process that turns input into prompts.

Data flows one way through here: the sensing backend's input times
(:mod:`~agent.live.activity`) feed the pure engine (:mod:`agent.core`) at the
wake-ups the loop (:mod:`~agent.live.loop`, :mod:`~agent.live.heap`) keeps;
the engine's decisions reach the tray and the windows through
:class:`~agent.live.app.App`; the user's answers come back through the mailbox
(:mod:`~agent.live.mailbox`, :mod:`~agent.live.doorbell`) and the control
channel (:mod:`~agent.live.control`). :mod:`~agent.live.run` is the one
composition root that wires sensing, tray, windows and engine together.
"""
