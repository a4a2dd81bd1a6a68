#!/bin/sh
# Stand-in systemctl for the install test (no systemd runs in a chroot): records each
# call in /tmp/systemctl-calls and answers like a system where the kiosk unit is enabled
# and running, so deb-systemd-invoke goes on to ask for stop/start/restart.
echo "$*" >> /tmp/systemctl-calls
case " $* " in
    *" is-enabled "*) echo enabled ;;
esac
exit 0
