// Names of the stations the timetable serves, as a traveller searches them: the city, and the pinyin
// of each character (tones dropped, as 12306's station search takes it). Held as data beside the
// timetable: a few dozen stations do not need a pinyin library. test/core/stations.test.ts checks
// that every station in routes.ts has an entry, one syllable per character, and matching initials.

export interface StationName {
  /** 汉字, as in the timetable: "北京南". */
  name: string;
  /** The city the station belongs to: "北京". */
  city: string;
  /** One syllable per character: ["bei", "jing", "nan"]. */
  syllables: readonly string[];
  /** First letter of each syllable: "bjn". */
  initials: string;
}

export const STATION_NAMES: readonly StationName[] = [
  { name: "北京南", city: "北京", syllables: ["bei", "jing", "nan"], initials: "bjn" },
  { name: "北京西", city: "北京", syllables: ["bei", "jing", "xi"], initials: "bjx" },
  { name: "上海虹桥", city: "上海", syllables: ["shang", "hai", "hong", "qiao"], initials: "shhq" },
  { name: "广州南", city: "广州", syllables: ["guang", "zhou", "nan"], initials: "gzn" },
  { name: "深圳北", city: "深圳", syllables: ["shen", "zhen", "bei"], initials: "szb" },
  { name: "杭州东", city: "杭州", syllables: ["hang", "zhou", "dong"], initials: "hzd" },
  { name: "南京南", city: "南京", syllables: ["nan", "jing", "nan"], initials: "njn" },
  { name: "成都东", city: "成都", syllables: ["cheng", "du", "dong"], initials: "cdd" },
  { name: "重庆北", city: "重庆", syllables: ["chong", "qing", "bei"], initials: "cqb" },
];

/** Stations offered under 热门 (only those the timetable serves are answered). */
export const HOT_STATIONS: readonly string[] = ["北京南", "上海虹桥", "广州南", "深圳北", "杭州东", "成都东"];
