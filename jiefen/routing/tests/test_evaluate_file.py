"""`jiefen classifier evaluate FILE`: a region checks the recipe on its own labelled file,
with its own labels (never seen by us), before it trusts the model."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

# The file's own label set: a water company's complaint categories, not our taxonomy.
ROWS = {
    "停水": ["家里又停水了，一整天没有水用，也没有提前通知。", "小区突然停水，老人孩子没法做饭洗漱。",
            "我们这栋楼停水三天了，打电话没人管。", "又停水了，水龙头一滴水都没有，什么时候来水？",
            "停水也不通知一声，水箱里一点水都没有了。", "整条街都停水了，供水公司说在抢修。"],
    "水质": ["自来水发黄有铁锈味，烧开了底下都是沉淀。", "水龙头出来的水浑浊，还有一股怪味。",
            "自来水有消毒水的味道，孩子喝了肚子疼。", "水里有白色的漂浮物，不敢喝。",
            "早上放的水是黄的，放很久才变清。", "自来水闻起来有臭味，水质是不是有问题。"],
    "水费": ["这个月水费突然变成三百多，平时才几十块。", "水表是不是坏了，水费比上个月翻了好几倍。",
            "没人住的房子也收这么多水费，明显不对。", "水费账单上的用水量和水表读数对不上。",
            "阶梯水价怎么算的，我家水费太高了。", "催缴水费的短信说我欠费，可我已经交过了。"],
}


def write_csv(path, rows, *, text="内容", label="分类", encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(["编号", text, label])
        for k, (t, lab) in enumerate(rows):
            w.writerow([k, t, lab])


def all_rows():
    return [(t, label) for label, texts in ROWS.items() for t in texts]


def evaluate(*args) -> str:
    out = io.StringIO()
    call_command("classifier", "evaluate", *map(str, args), stdout=out)
    return out.getvalue()


def test_evaluate_a_csv_with_labels_never_seen(tmp_path):
    path = tmp_path / "water.csv"
    write_csv(path, all_rows() + [("", "停水"), ("只有内容没有分类", "")])
    out = evaluate(path, "--text-column", "内容", "--label-column", "分类", "--folds", "3")
    assert "数据 18 行（跳过空行 2 行），3 个类别，3 折分层交叉验证。" in out
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    for label in ROWS:
        precision, recall, f1, support = lines[label]
        assert 0 <= float(precision) <= 1 and 0 <= float(f1) <= 1 and support == "6"
    macro = float(out.split("宏平均F1：")[1].split()[0])
    accuracy = float(out.split("准确率：")[1].split()[0])
    assert macro > 0.6 and accuracy > 0.6  # 停水/水质/水费 are told apart by their words
    assert int(out.split("预测速度：")[1].split()[0]) > 0 and "条/秒" in out


def test_evaluate_an_excel_file_and_a_gbk_csv(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["诉求", "类型"])
    for text, label in all_rows():
        sheet.append([text, label])
    path = tmp_path / "water.xlsx"
    book.save(path)
    out = evaluate(path, "--text-column", "诉求", "--label-column", "类型", "--folds", "2")
    assert "数据 18 行（跳过空行 0 行），3 个类别，2 折分层交叉验证。" in out and "宏平均F1：" in out

    gbk = tmp_path / "water-gbk.csv"  # a file saved by Excel on a Chinese Windows
    write_csv(gbk, all_rows(), encoding="gb18030")
    assert "3 个类别" in evaluate(gbk, "--text-column", "内容", "--label-column", "分类", "--folds", "3")


@pytest.mark.parametrize("case, message", [
    ("missing column", "文件中没有列“正文”。现有的列：编号、内容、分类"),
    ("empty", "文件是空的"),
    ("header only", "没有同时填写了“内容”和“分类”的数据行"),
    ("too few", "以下类别的数据行少于折数 5，无法分层交叉验证：水费（2 行）"),
    ("one class", "文件中只有一个类别“停水”"),
    ("bad xlsx", "Excel 文件无法读取"),
    ("binary csv", "这不是一个文本格式的 CSV 文件"),
    ("pdf", "不支持的文件类型“.pdf”"),
    ("no file", "找不到文件"),
])
def test_bad_files_get_a_clear_message(tmp_path, case, message):
    path, text = tmp_path / "data.csv", "内容"
    rows = all_rows()
    if case == "missing column":
        text_arg = "正文"
        write_csv(path, rows)
    else:
        text_arg = text
        if case == "empty":
            path.write_bytes(b"")
        elif case == "header only":
            write_csv(path, [])
        elif case == "too few":
            write_csv(path, [r for r in rows if r[1] != "水费"] + [(t, "水费") for t in ROWS["水费"][:2]])
        elif case == "one class":
            write_csv(path, [(t, "停水") for t in ROWS["停水"]])
        elif case == "bad xlsx":
            path = tmp_path / "data.xlsx"
            path.write_bytes(b"this is not a zip file")
        elif case == "binary csv":
            path.write_bytes(b"PK\x03\x04\x00\x00binary")
        elif case == "pdf":
            path = tmp_path / "data.pdf"
            path.write_bytes(b"%PDF-1.4")
        elif case == "no file":
            path = tmp_path / "missing.csv"
    with pytest.raises(CommandError) as exc:
        evaluate(path, "--text-column", text_arg, "--label-column", "分类", "--folds", "5")
    assert message in str(exc.value)
