"""The Chinese name of every setting the technician screen lists (the English name is the
key in words). Names are looked up by the full key first, then by the key's last part
without its unit (the unit is added from ``setting_labels.UNITS``)."""

from __future__ import annotations

#: Where the same last part means something different in two sections.
BY_KEY = {
    "face.key_file": "人脸特征加密密钥文件",
    "pos_api.key_file": "收银机接口密钥文件",
    "host.write_timeout": "写入超时",
    "printer.write_timeout": "打印写入超时",
    "camera.height": "画面高度 (像素)",
    "camera.width": "画面宽度 (像素)",
}

NAMES = {
    # terminal
    "terminal_id": "终端号", "merchant_name": "商户名称", "store_name": "门店名称",
    "max_amount": "单笔最大金额", "duplicate_code_window": "同一付款码拒收时间",
    "language": "语言", "subject": "交易标题",
    # host
    "base_url": "网关地址", "app_id": "应用 ID", "alipay_direct": "直连支付宝",
    "connect_timeout": "连接超时", "read_timeout": "读取超时", "write_timeout": "写入超时",
    "private_key_file": "终端私钥文件", "host_public_key_file": "平台公钥文件",
    "pool_timeout": "连接池等待", "connect_retries": "连接重试次数",
    "connect_retry_delay": "连接重试间隔", "call_deadline": "单次调用时限",
    "max_answer_bytes": "应答最大字节数",
    # resolver (per wallet)
    "first_query_delay": "首次查询延迟", "poll_interval": "查询间隔", "poll_budget": "查询总时长",
    "cancel_not_before": "最早撤销时间", "cancel_retry_interval": "撤销重试间隔",
    "cancel_max_attempts": "撤销最多次数", "idle_sleep": "空闲等待",
    # storage
    "database_file": "数据库文件", "busy_timeout": "数据库忙等待", "min_free_disk": "最少剩余磁盘",
    # offline
    "forced_offline": "强制离线", "per_payment_max": "离线单笔上限",
    "member_daily_max": "会员每日离线上限", "total_unsynced_max": "待上传总额上限",
    "total_unsynced_max_count": "待上传笔数上限", "max_age": "离线交易最长保留",
    "balance_allowance": "余额允许透支", "breaker_failures": "判定离线的连续失败次数",
    "probe_interval": "联网探测间隔", "probe_backoff_max": "联网探测最长间隔",
    "sync_batch_size": "每批上传笔数", "sync_backoff_base": "上传重试起始间隔",
    "sync_backoff_max": "上传重试最长间隔", "sync_idle": "上传空闲间隔",
    "sync_max_attempts": "上传最多次数", "dead_letter_age": "转人工处理时限",
    # logging
    "level": "日志级别", "file": "日志文件", "max_bytes": "单个日志最大字节数",
    "backup_count": "保留日志文件数",
    # printer
    "enabled": "启用", "port": "端口", "baud": "波特率", "profile": "打印机型号",
    "status_timeout": "状态查询超时", "chunk_bytes": "每次发送字节数",
    "drawer_kick": "打印后弹开钱箱", "qr_link_template": "小票二维码链接模板",
    "retry_interval": "重试间隔", "confirm_print_end": "确认打印完成",
    "print_end_timeout": "打印完成等待", "keepalive_idle": "保活空闲时间",
    "lan_latency": "网络延迟",
    # camera
    "source": "视频源", "fps": "帧率", "loop_files": "循环播放视频文件",
    "reopen_backoff_initial": "重新打开起始间隔", "reopen_backoff_max": "重新打开最长间隔",
    "face_exposure": "刷脸曝光方式", "face_target_luma": "刷脸目标亮度",
    # scanner
    "wedge_max_gap": "键盘式扫码枪按键最大间隔", "serial_port": "串口",
    "serial_baud": "串口波特率", "wedge_min_length": "键盘式扫码最短长度",
    "serial_terminator": "串口结束符", "serial_read_timeout": "串口读取超时",
    "serial_max_length": "串口最大长度", "evdev_device": "输入设备",
    "decode_budget": "解码时限", "camera_decode_budget": "摄像头解码时限",
    "decode_max_side": "解码图像最大边长", "repeat_window": "重复扫码忽略时间",
    # face
    "models_dir": "模型目录", "det_size": "检测尺寸", "threads": "线程数",
    "use_landmarks": "使用五官关键点", "use_celeba_antispoof": "使用 CelebA 防伪模型",
    "det_threshold": "检测阈值", "match_threshold": "匹配阈值", "match_margin": "匹配领先差",
    "duplicate_threshold": "重复录入阈值", "min_enrol_samples": "录入最少样本数",
    "max_templates_per_member": "每位会员最多特征数", "passive_live_threshold": "静默活体阈值",
    "clearly_live_threshold": "确定活体阈值", "challenge_amount": "需做动作验证的金额",
    "challenge_frames": "动作验证帧数", "blink_closed_ratio": "眨眼闭眼比例",
    "turn_yaw_ratio": "转头幅度比例", "min_face": "最小人脸尺寸",
    "max_yaw_ratio": "最大左右偏转比例", "max_pitch_ratio": "最大上下偏转比例",
    "min_sharpness": "最低清晰度", "min_brightness": "最低亮度", "max_brightness": "最高亮度",
    "dominance_ratio": "主人脸面积倍数", "step_up_amount": "需验证手机号的金额",
    "step_up_margin": "需验证手机号的匹配差", "step_up_after_failures": "失败几次后验证手机号",
    "velocity_max_count": "时段内最多笔数", "velocity_max": "时段内最多金额",
    "velocity_window": "限额时段", "gallery_sync_interval": "人脸库同步间隔",
    "enrol_at_back_office": "在后台录入人脸", "gallery_max_age": "人脸库最长未同步时间",
    "consent_text": "同意书文本", "consent_version": "同意书版本",
    "keep_debug_images": "保留调试图片", "key_file": "密钥文件",
    # kiosk
    "mode": "界面模式", "elder_mode": "长辈模式", "idle_timeout": "无操作返回首页",
    "full_screen": "全屏", "hide_cursor": "隐藏鼠标指针", "voice_enabled": "语音播报",
    "elder_idle_timeout": "长辈模式无操作返回首页", "result_screen": "结果页停留",
    "elder_result_screen": "长辈模式结果页停留", "face_timeout": "刷脸时限",
    "fixed_price_items": "固定价格商品", "enrolment_samples": "录入样本数",
    "status_refresh": "状态刷新间隔", "stall_warn": "界面卡顿告警",
    "face_analysis_max_fps": "人脸分析最高帧率",
    # technician
    "pin_hash_file": "密码文件", "max_failed_attempts": "密码最多错误次数", "lockout": "锁定时长",
    # diagnostics
    "check_timeout": "单项检查时限", "disk_warn_free": "磁盘剩余告警线",
    "disk_fail_free": "磁盘剩余失败线",
    "expected_timezone": "应有时区", "clock_skew_warn": "时钟偏差告警",
    "clock_skew_fail": "时钟偏差失败", "host_latency_warn": "支付平台延迟告警",
    "camera_sample": "摄像头采样时长", "camera_min_fps": "摄像头最低帧率",
    "camera_dark_below": "画面过暗阈值", "camera_bright_above": "画面过亮阈值",
    "face_frame_warn": "刷脸单帧耗时告警", "scanner_wait": "扫码枪等待",
    "queue_oldest_warn": "最早待上传交易告警",
    # pos_api
    "listen": "监听地址", "tls": "使用 TLS", "cert_file": "证书文件",
    "cert_key_file": "证书私钥文件", "poi_id": "终端标识 POIID",
    "default_timeout": "默认时限", "max_timeout": "最长时限", "max_body_bytes": "请求最大字节数",
    "body_read_timeout": "请求读取超时", "auth_failures_per_minute": "每分钟认证失败上限",
    "max_connections": "最大连接数",
}

#: A sub-table's name (the resolver's wallets).
PARTS = {"alipay": "支付宝", "wechat": "微信支付", "unionpay": "银联", "member": "会员"}
