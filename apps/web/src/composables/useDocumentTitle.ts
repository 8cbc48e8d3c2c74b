import { watchEffect } from 'vue'
import { useRoute } from 'vue-router'
import { useI18n } from '../i18n'

/** Keeps the tab title on the current page, in the current language. */
export function useDocumentTitle(): void {
  const route = useRoute()
  const { t } = useI18n()
  watchEffect(() => {
    const titleKey = route.meta.titleKey
    document.title = titleKey ? `${t(titleKey)} · ${t('app.name')}` : t('app.name')
  })
}
