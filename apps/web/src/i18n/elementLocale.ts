import type { Language } from 'element-plus/es/locale'
import elementEn from 'element-plus/es/locale/lang/en'
import elementZhCn from 'element-plus/es/locale/lang/zh-cn'
import type { Locale } from '.'

/** Element Plus's own texts (table "No Data", pagination, …) follow the app's locale. */
export const ELEMENT_LOCALES: Record<Locale, Language> = { en: elementEn, 'zh-CN': elementZhCn }
