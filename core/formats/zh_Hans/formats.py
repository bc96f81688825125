"""Input formats for zh-hans that put ISO first (issue 26 item 1).

Django's zh_Hans locale renders date widgets with its first input format, "%Y/%m/%d"; an <input type="date"> only
accepts YYYY-MM-DD, so the browser showed such a field empty and a form saved unchanged erased its date. Putting the
ISO formats first makes every DateInput/DateTimeInput of every form (admin included) render what the browser keeps;
the other formats are still accepted when typed. Display formats (DATE_FORMAT, …) stay Django's.
"""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2016-09-05: what <input type="date"> needs
    "%Y/%m/%d",  # 2016/09/05
    "%Y年%m月%d日",  # 2016年9月5日
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",  # 2016-09-05T20:45: what <input type="datetime-local"> needs
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
]
