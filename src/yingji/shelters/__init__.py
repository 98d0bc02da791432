"""避灾安置: shelters activated for a 灾情事件, their 运行日志, the households and people placed in them
(check-in, transfer, check-out), duplicate candidates, capacity and occupancy, live figures for the 灾情
report, the public 寻亲 page, and anonymisation after the retention period (decision 0024)."""
