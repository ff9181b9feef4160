"""The demo desk's data: teams, staff, customers, categories and the ticket scenarios that
seed_demo plays (servicedesk/demo.py)."""

from customers.models import Language
from staff.models import Role, StaffLevel
from tickets.models import (
    Channel,
    Kind,
    Priority,
    Status,
)

# ---- staff ------------------------------------------------------------------------------------

TEAMS = {
    "电话服务组": [Channel.PHONE],
    "在线客服组": [Channel.CHAT, Channel.WEB, Channel.SOCIAL],
    "售后服务组": [Channel.EMAIL, Channel.API, Channel.QUESTIONNAIRE],
    "投诉处理组": [Channel.COMPLAINT_HOTLINE, Channel.COMPLAINT_MAILBOX],
}

# username, password, role, full name, level, teams, teams supervised
STAFF = [
    # The demo agent also works the complaint team, so a first look shows complaints too.
    ("agent", "agent-demo-pass", Role.AGENT, "李娜", StaffLevel.JUNIOR,
     ["售后服务组", "投诉处理组"], []),
    ("supervisor", "supervisor-demo-pass", Role.SUPERVISOR, "周敏", StaffLevel.SUPERVISOR,
     ["售后服务组", "投诉处理组"], ["售后服务组", "投诉处理组"]),
    ("manager", "manager-demo-pass", Role.MANAGER, "陈志强", StaffLevel.MANAGER, [], []),
    ("admin", "admin-demo-pass", Role.ADMINISTRATOR, "系统管理员", StaffLevel.MANAGER, [], []),
    ("wangfang", "wangfang-demo-pass", Role.AGENT, "王芳", StaffLevel.SENIOR, ["电话服务组"], []),
    ("zhanglei", "zhanglei-demo-pass", Role.AGENT, "张磊", StaffLevel.JUNIOR, ["电话服务组"], []),
    ("liuyang", "liuyang-demo-pass", Role.AGENT, "刘洋", StaffLevel.JUNIOR, ["在线客服组"], []),
    ("emily", "emily-demo-pass", Role.AGENT, "Emily Carter", StaffLevel.SENIOR, ["在线客服组"], []),
    ("sunli", "sunli-demo-pass", Role.AGENT, "孙丽", StaffLevel.SENIOR, ["售后服务组"], []),
    ("zhaoqiang", "zhaoqiang-demo-pass", Role.AGENT, "赵强", StaffLevel.SENIOR, ["投诉处理组"], []),
    ("huangmei", "huangmei-demo-pass", Role.SUPERVISOR, "黄梅", StaffLevel.SUPERVISOR,
     ["电话服务组", "在线客服组"], ["电话服务组", "在线客服组"]),
]  # fmt: skip

# The compensation each level may grant without approval in the demo (the examples of
# the requirements): set on each demo profile, where the approval limit lives.
APPROVAL_LIMITS_BY_LEVEL = {
    "CNY": {"junior": "200", "senior": "500", "supervisor": "2000", "manager": "20000"},
    "USD": {"junior": "30", "senior": "70", "supervisor": "300", "manager": "3000"},
}

# ---- customers --------------------------------------------------------------------------------

CHINESE_CUSTOMERS = [
    ("张伟", "zhangwei"), ("王静", "wangjing"), ("李强", "liqiang"), ("刘洋", "liuyang88"),
    ("陈晨", "chenchen"), ("杨帆", "yangfan"), ("赵敏", "zhaomin"), ("黄磊", "huanglei"),
    ("周婷", "zhouting"), ("吴昊", "wuhao"), ("徐静怡", "xujingyi"), ("孙鹏", "sunpeng"),
    ("马丽", "mali"), ("朱建国", "zhujianguo"), ("胡晓燕", "huxiaoyan"), ("郭峰", "guofeng"),
    ("何佳", "hejia"), ("高翔", "gaoxiang"), ("林雪", "linxue"), ("罗斌", "luobin"),
    ("郑爽", "zhengshuang"), ("梁宇", "liangyu"), ("谢娟", "xiejuan"), ("宋涛", "songtao"),
    ("唐蕾", "tanglei"), ("韩冰", "hanbing"), ("冯凯", "fengkai"), ("邓超", "dengchao1990"),
    ("曹颖", "caoying"), ("彭飞", "pengfei"), ("曾琳", "zenglin"), ("萧然", "xiaoran"),
    ("田甜", "tiantian"), ("董明", "dongming"), ("潘悦", "panyue"), ("袁博", "yuanbo"),
    ("蒋琪", "jiangqi"), ("蔡文", "caiwen"), ("余洁", "yujie"), ("杜宏", "duhong"),
    ("叶青", "yeqing"), ("程亮", "chengliang"), ("魏巍", "weiwei"), ("苏晴", "suqing"),
]  # fmt: skip
EMAIL_DOMAINS_CN = ["example.cn", "mail.example.cn", "example.com.cn"]
ENGLISH_CUSTOMERS = [
    "Emma Thompson", "James Wilson", "Olivia Brown", "William Davies", "Sophie Clarke",
    "Daniel Hughes", "Charlotte Evans", "Thomas Wright", "Grace Robinson", "Henry Walker",
    "Amelia Green", "Jack Harris", "Chloe Lewis", "Lucas Martin",
]  # fmt: skip

# ---- categories -------------------------------------------------------------------------------

CATEGORY_TREE = {
    "产品咨询": ["价格与优惠", "功能与规格"],
    "售后维修": ["家电维修", "安装预约"],
    "订单与物流": ["配送延迟", "退换货"],
    "账户与账单": ["发票", "退款"],
    "投诉": ["服务态度", "产品质量", "配送问题"],
    "意见建议": ["产品改进", "服务改进"],
    "系统故障": ["App", "网站"],
}

# ---- ticket content: (category path, kind, zh subject, en subject, zh text, en text) ----------
# No complaints here: they are opened only through complaint_open (the complaints app's
# demo step seeds them with their stages and clocks).

SCENARIOS = [
    (
        "产品咨询/价格与优惠",
        Kind.REQUEST,
        "会员年卡现在有什么优惠？",
        "Any discount on the annual membership?",
        "想在月底前办理年卡，想了解现在的价格和是否能叠加优惠券。",
        "I'd like to buy the annual plan before the end of the month. Can coupons be combined?",
    ),
    (
        "产品咨询/功能与规格",
        Kind.REQUEST,
        "W7洗衣机是否支持烘干功能",
        "Does the W7 washer have a dryer mode?",
        "准备购买W7，想确认是否带烘干，以及烘干容量是多少公斤。",
        "Before buying the W7 I want to confirm whether it dries and what the drying capacity is.",
    ),
    (
        "产品咨询/功能与规格",
        Kind.REQUEST,
        "X5扫地机器人能否用于地毯",
        "Can the X5 robot vacuum clean carpets?",
        "家里有长毛地毯，想知道X5的吸力是否足够。",
        "We have thick carpets at home. Is the X5 strong enough for them?",
    ),
    (
        "售后维修/家电维修",
        Kind.REQUEST,
        "冰箱冷藏室不制冷",
        "Fridge compartment not cooling",
        "冰箱冷冻正常，但冷藏室从前天开始温度偏高，食物有变质。",
        "The freezer works but the fridge compartment has been warm since two days ago.",
    ),
    (
        "售后维修/家电维修",
        Kind.REQUEST,
        "洗衣机脱水时噪音很大",
        "Washer very loud during the spin cycle",
        "脱水时机身剧烈晃动并有金属撞击声，已调平仍然如此。",
        "The machine shakes hard and bangs during spin, even after levelling it.",
    ),
    (
        "售后维修/家电维修",
        Kind.REQUEST,
        "空调外机漏水",
        "Air conditioner outdoor unit leaking",
        "空调开启制热后外机持续滴水，楼下邻居已经投诉。",
        "The outdoor unit keeps dripping in heating mode and the neighbours complained.",
    ),
    (
        "售后维修/安装预约",
        Kind.REQUEST,
        "预约空调上门安装",
        "Book an installation visit for the air conditioner",
        "新购空调已到货，希望本周六上午安装。",
        "The new unit has arrived; Saturday morning would suit us for installation.",
    ),
    (
        "售后维修/安装预约",
        Kind.REQUEST,
        "需要改约安装时间",
        "Need to reschedule the installation",
        "原定周三安装，临时出差，希望改到下周。",
        "I'm travelling on Wednesday; could the installation move to next week?",
    ),
    (
        "订单与物流/配送延迟",
        Kind.REQUEST,
        "订单超过7天仍未发货",
        "Order not shipped after 7 days",
        "下单已经一周，物流信息一直没有更新。",
        "I ordered a week ago and the tracking has not moved.",
    ),
    (
        "订单与物流/配送延迟",
        Kind.REQUEST,
        "物流显示已签收但未收到",
        "Parcel shows delivered but never arrived",
        "物流显示昨天已签收，但家里和快递柜都没有。",
        "Tracking says delivered yesterday, but it's not at the door or in the locker.",
    ),
    (
        "订单与物流/退换货",
        Kind.REQUEST,
        "收到的商品有划痕，申请换货",
        "Item arrived scratched, want an exchange",
        "电视边框有明显划痕，包装完好，希望换新。",
        "The TV frame is scratched although the box was intact. I'd like a replacement.",
    ),
    (
        "订单与物流/退换货",
        Kind.REQUEST,
        "未拆封商品如何退货",
        "How do I return an unopened item?",
        "买错型号了，商品未拆封，想办理退货。",
        "I ordered the wrong model and haven't opened it. How do I return it?",
    ),
    (
        "账户与账单/发票",
        Kind.REQUEST,
        "需要开具增值税专用发票",
        "Need a VAT invoice for my company",
        "公司报销需要专票，请协助开具。",
        "Our company needs a VAT invoice for reimbursement.",
    ),
    (
        "账户与账单/发票",
        Kind.REQUEST,
        "发票抬头开错了",
        "Invoice shows the wrong company name",
        "发票上的公司名称少了一个字，需要重开。",
        "The company name on the invoice is misspelt; please reissue it.",
    ),
    (
        "账户与账单/退款",
        Kind.REQUEST,
        "退款两周仍未到账",
        "Refund not received after two weeks",
        "取消订单后提示3个工作日退款，现在两周了还没收到。",
        "I was told 3 working days, but two weeks later the refund hasn't arrived.",
    ),
    (
        "意见建议/服务改进",
        Kind.FEEDBACK,
        "建议App增加维修进度查询",
        "Suggestion: repair status tracking in the app",
        "希望能在App里看到维修师傅的出发时间和进度。",
        "It would help to see in the app when the technician sets off.",
    ),
    (
        "意见建议/产品改进",
        Kind.FEEDBACK,
        "希望洗衣机增加静音模式",
        "Please add a quiet mode to the washer",
        "晚上洗衣服声音较大，建议增加夜间静音模式。",
        "Washing at night is loud; a night-time quiet mode would be great.",
    ),
    (
        "系统故障/App",
        Kind.INCIDENT,
        "App无法登录，提示服务器错误",
        "App login fails with a server error",
        "今天上午起多次尝试登录，均提示服务器错误500。",
        "Since this morning every login attempt shows error 500.",
    ),
    (
        "系统故障/网站",
        Kind.INCIDENT,
        "网站支付页面打不开",
        "Checkout page on the website won't load",
        "点击去支付后页面一直转圈，换浏览器也一样。",
        "After clicking Pay the page spins forever, in every browser.",
    ),
]

REPLIES = {
    Language.ZH_HANS: [
        "您好，感谢您的耐心等待。我们已记录您的问题，工程师将在48小时内与您联系确认上门时间。",
        "您好，非常理解您的心情，给您带来不便深表歉意。我们已加急处理，今天内给您回复结果。",
        "您好，已为您核实订单信息，相关部门正在处理，请您留意短信通知。",
        "您好，问题已处理完毕，如仍有疑问请随时回复本工单。",
    ],
    Language.EN: [
        "Hello, thank you for your patience. An engineer will call you within 48 hours.",
        "Hello, I'm sorry for the trouble. I've escalated this and will update you today.",
        "Hello, I've checked your order and passed it on; you'll get a text message update.",
        "Hello, this has now been sorted. If anything is still unclear, just reply to this ticket.",
    ],
}
CUSTOMER_MESSAGES = {
    Language.ZH_HANS: [
        "好的，谢谢，请尽快安排。",
        "周二下午都在家，可以上门。",
        "还没有收到，麻烦再查一下。",
    ],
    Language.EN: [
        "Thanks, please arrange it soon.",
        "Tuesday afternoon works for me.",
        "Still nothing here, could you check again?",
    ],
}
NOTES = [
    "已核实订单，在保修期内。",
    "客户情绪较激动，回访时注意安抚。",
    "已联系仓库确认库存，等待回复。",
    "需要技术部确认是否为批次问题。",
]

# How many seeded tickets end in each status (weights).
STATUS_WEIGHTS = {
    Status.NEW: 12,
    Status.OPEN: 20,
    Status.PENDING_CUSTOMER: 10,
    Status.PENDING_INTERNAL: 8,
    Status.RESOLVED: 15,
    Status.CLOSED: 35,
}
CHANNEL_WEIGHTS = {
    Channel.PHONE: 25,
    Channel.EMAIL: 20,
    Channel.CHAT: 20,
    Channel.WEB: 12,
    Channel.SOCIAL: 6,
    Channel.QUESTIONNAIRE: 5,
    Channel.API: 6,
}
PRIORITY_WEIGHTS = {Priority.URGENT: 6, Priority.HIGH: 20, Priority.NORMAL: 54, Priority.LOW: 20}
TEMPLATE_FOR_CATEGORY = {
    "产品咨询": "pre-sales",
    "售后维修": "after-sales-repair",
    "投诉": "complaint",
    "意见建议": "feedback",
    "系统故障": "incident",
}
PRODUCTS = [
    "W7 滚筒洗衣机",
    "X5 扫地机器人",
    "R300 双门冰箱",
    "K2 变频空调",
    "C1 智能电饭煲",
    "T55 4K 电视",
]

# ---- canned replies: (zh title, en title, zh text, en text, kind, category path or "") ----
CANNED_REPLIES = [
    (
        "已收到，正在处理",
        "Received, working on it",
        "您好，我们已收到您的问题，正在处理中，有进展会第一时间通知您。",
        "Hello, we have received your request and are working on it; we will update you as "
        "soon as there is progress.",
        "",
        "",
    ),
    (
        "预约上门维修",
        "Book a repair visit",
        "您好，我们已为您预约维修师傅上门，师傅会在上门前一天与您电话确认时间。",
        "Hello, we have booked a technician for you; they will call the day before the visit "
        "to confirm the time.",
        "",
        "售后维修",
    ),
    (
        "感谢您的建议",
        "Thank you for your suggestion",
        "感谢您的宝贵建议，我们已转交相关团队评估，并会告诉您结果。",
        "Thank you for your suggestion; we have passed it to the team concerned and will let "
        "you know the outcome.",
        "feedback",
        "",
    ),
]
